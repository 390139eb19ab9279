//! The business's prices and costs (beside the bill, importing nothing of it: the run's
//! [`crate::config::Config`] holds it). Illustrative defaults, in euros; any currency
//! works as long as every field is in the same one.

use crate::error::{check_range, ConfigError};
use serde::{Deserialize, Serialize};

/// What a ticket sells for and what each kind of trouble costs the business
/// (docs/MODEL.md, "What it cost the business"). The run itself never reads it: only
/// the bill does, so changing a price changes no run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BusinessConfig {
    /// What one seat sells for, € (default 50).
    pub ticket_price: f64,
    /// What refunding and compensating one customer costs beyond the ticket itself
    /// (payment fees, a voucher, the handling), € (default 20).
    pub refund_cost: f64,
    /// What one support ticket costs (a customer writes or calls, an agent answers),
    /// € (default 12).
    pub support_ticket_cost: f64,
    /// The share of customers wrongly refused by a clock who give up and buy nowhere
    /// here, 0 to 1 (default 0.5).
    pub give_up_share: f64,
}

impl Default for BusinessConfig {
    fn default() -> Self {
        BusinessConfig {
            ticket_price: 50.0,
            refund_cost: 20.0,
            support_ticket_cost: 12.0,
            give_up_share: 0.5,
        }
    }
}

impl BusinessConfig {
    /// Checks every field; the error names the first one out of range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_range(
            "business.ticket_price",
            self.ticket_price,
            0.0,
            100_000.0,
            " €",
        )?;
        check_range(
            "business.refund_cost",
            self.refund_cost,
            0.0,
            100_000.0,
            " €",
        )?;
        check_range(
            "business.support_ticket_cost",
            self.support_ticket_cost,
            0.0,
            100_000.0,
            " €",
        )?;
        check_range(
            "business.give_up_share",
            self.give_up_share,
            0.0,
            1.0,
            " (a share)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_ranges_name_the_field() {
        BusinessConfig::default().validate().unwrap();
        let mut b = BusinessConfig {
            give_up_share: 1.5,
            ..Default::default()
        };
        let e = b.validate().unwrap_err();
        assert_eq!(e.field(), "business.give_up_share");
        assert!(e.to_string().contains("between 0 and 1"), "{e}");
        b.give_up_share = 0.2;
        b.ticket_price = -1.0;
        assert_eq!(b.validate().unwrap_err().field(), "business.ticket_price");
        b.ticket_price = f64::NAN;
        assert_eq!(b.validate().unwrap_err().field(), "business.ticket_price");
    }
}
