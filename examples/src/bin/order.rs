//! Order processing: validate, route on the payment type, charge a card with
//! retries and a catcher, wait for the warehouse, ship or fail.
//!
//! The workflow is compiled by `build.rs`; run it with
//! `cargo run -p sfn-examples --bin order`.

use serde::Deserialize;
use sfn_runtime::{Error, TaskContext, TaskResult, Value, from_input, json};

include!(concat!(env!("OUT_DIR"), "/order.rs"));

#[derive(Debug, Deserialize)]
struct Order {
    #[serde(rename = "orderId")]
    order_id: String,
    total: f64,
    items: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Charge {
    #[serde(rename = "orderId")]
    order_id: String,
    amount: f64,
    card: String,
    attempt: u32,
}

/// The shop's services. The payment gateway is flaky: it fails the first
/// attempt of every charge, which the workflow's `Retry` absorbs.
struct Shop;

impl order::Handlers for Shop {
    async fn validate_order(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        let order: Order = from_input(input)?;
        let valid = order.total > 0.0 && !order.items.is_empty();
        println!(
            "  validate {}: {}",
            order.order_id,
            if valid { "ok" } else { "invalid" }
        );
        Ok(json!({ "valid": valid }))
    }

    async fn charge_card(&self, input: Value, ctx: TaskContext) -> TaskResult {
        let charge: Charge = from_input(input)?;
        println!(
            "  charge {} {:.2} on {} (attempt {})",
            charge.order_id, charge.amount, charge.card, charge.attempt
        );
        if charge.card.starts_with("0000") {
            return Err(Error::new(
                "CardDeclined",
                format!("card {} was declined", charge.card),
            ));
        }
        if ctx.retry_count() == 0 {
            return Err(Error::new(
                "PaymentGatewayUnavailable",
                "the gateway timed out",
            ));
        }
        Ok(json!({ "chargeId": format!("ch_{}", charge.order_id) }))
    }

    async fn ship_order(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        let order_id = input["orderId"].as_str().unwrap_or("?").to_owned();
        println!("  ship {order_id} to {}", input["address"]);
        Ok(json!({ "orderId": order_id, "trackingNumber": format!("TRK-{order_id}") }))
    }
}

#[tokio::main]
async fn main() {
    let workflow = order::Workflow::new(Shop);
    let orders = [
        json!({"orderId": "A-1", "total": 42.5, "items": ["book"], "payment": {"type": "card", "card": "4111-1111"}, "address": "1 Main St"}),
        json!({"orderId": "B-2", "total": 10.0, "items": ["pen"], "payment": {"type": "invoice"}, "address": "2 High St"}),
        json!({"orderId": "C-3", "total": 99.0, "items": ["lamp"], "payment": {"type": "card", "card": "0000-0000"}, "address": "3 Low Rd"}),
        json!({"orderId": "D-4", "total": 0.0, "items": [], "payment": {"type": "card", "card": "4111-1111"}, "address": "4 Oak Ave"}),
        json!({"orderId": "E-5", "total": 5.0, "items": ["mug"], "payment": {"type": "bitcoin"}, "address": "5 Elm Ct"}),
    ];
    for input in orders {
        println!("order {}:", input["orderId"]);
        match workflow.run(input).await {
            Ok(output) => println!("  => shipped: {output}"),
            Err(err) => println!("  => {err}"),
        }
    }
}
