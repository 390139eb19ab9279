//! The bill view's data: the core's bill of the run so far ([`driftlab_sim::cost`]),
//! each line with the words and the counts that produced it, in the chosen language.

use crate::i18n::{Lang, Txt};
use driftlab_sim::cost::{Bill, Item};

/// An amount in euros in `lang`'s notation: `1,234.50 €` or `1 234,50 €`.
pub fn euros(lang: Lang, x: f64) -> String {
    format!("{} €", lang.num(x, 2))
}

/// A count: whole numbers without decimals, an expected number with one.
pub fn count(lang: Lang, x: f64) -> String {
    if x.fract() == 0.0 {
        lang.num(x, 0)
    } else {
        lang.num(x, 1)
    }
}

/// A line's label and what it means.
pub fn label(item: Item) -> (Txt, Txt) {
    match item {
        Item::UnsoldSeats => (Txt::BillUnsold, Txt::BillUnsoldTip),
        Item::GaveUp => (Txt::BillGaveUp, Txt::BillGaveUpTip),
        Item::DoubleBookings => (Txt::BillDouble, Txt::BillDoubleTip),
        Item::RevokedHolds => (Txt::BillRevoked, Txt::BillRevokedTip),
        Item::EarlyExpiries => (Txt::BillEarly, Txt::BillEarlyTip),
    }
}

/// Where a line's count comes from, in words with the run's numbers, e.g. "200 seats −
/// 186 sold" or "426 customers let down × 50 %".
pub fn from(lang: Lang, bill: &Bill, item: Item) -> String {
    let c = &bill.counts;
    let n = |x: u64| lang.int(x);
    match item {
        Item::UnsoldSeats => format!(
            "{} {} − {} {}",
            n(c.seats),
            lang.t(Txt::BillSeats),
            n(c.sold),
            lang.t(Txt::BillSold)
        ),
        Item::GaveUp => format!(
            "{} {} × {} %",
            n(c.let_down_customers),
            lang.t(Txt::BillLetDownCustomers),
            lang.num(bill.prices.give_up_share * 100.0, 0)
        ),
        Item::DoubleBookings => format!("{} {}", n(c.double_bookings), lang.t(Txt::BillRefunds)),
        Item::RevokedHolds => format!("{} {}", n(c.revoked), lang.t(Txt::BillTickets)),
        Item::EarlyExpiries => {
            format!("{} {}", n(c.premature_expiries), lang.t(Txt::BillTickets))
        }
    }
}

/// One row of the bill as the view shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// What it charges for.
    pub item: Item,
    /// Where the count comes from.
    pub from: String,
    /// How many.
    pub count: String,
    /// × the price of one.
    pub unit: String,
    /// = the amount.
    pub amount: String,
    /// The amount, unformatted (for `data-value`).
    pub raw: f64,
}

/// Every row of `bill`, in its order, in `lang`.
pub fn rows(lang: Lang, bill: &Bill) -> Vec<Row> {
    bill.lines
        .iter()
        .map(|l| Row {
            item: l.item,
            from: from(lang, bill, l.item),
            count: count(lang, l.count),
            unit: euros(lang, l.unit),
            amount: euros(lang, l.amount),
            raw: l.amount,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use driftlab_sim::cost::{BusinessConfig, Counts};

    fn bill() -> Bill {
        let counts = Counts {
            seats: 200,
            sold: 186,
            wrongly_refused: 645,
            wrongly_refused_customers: 426,
            gave_up_customers: 0,
            let_down_customers: 426,
            double_bookings: 19,
            revoked: 162,
            premature_expiries: 5,
            customers_affected: 549,
        };
        Bill::of(counts, &BusinessConfig::default())
    }

    #[test]
    fn amounts_in_both_notations() {
        assert_eq!(euros(Lang::En, 10650.0), "10,650.00 €");
        assert_eq!(euros(Lang::Fr, 10650.0), "10\u{202f}650,00 €");
        assert_eq!(count(Lang::En, 213.0), "213");
        assert_eq!(count(Lang::Fr, 27.2), "27,2");
    }

    /// `extreme_drift` seed 42's counts at the default prices (the figures
    /// `driftlab run` prints): 14 unsold seats × 50 € = 700 €; 426 customers let down
    /// (all wrongly refused; none gave up waiting) × 0.5 × 50 € = 10 650 €; 19 × 20 € = 380 €; 162 × 12 € = 1 944 €; 5 × 12 € = 60 €.
    #[test]
    fn rows_say_where_each_count_comes_from() {
        let r = rows(Lang::En, &bill());
        let got: Vec<(&str, &str, &str)> = r
            .iter()
            .map(|r| (r.from.as_str(), r.count.as_str(), r.amount.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("200 seats − 186 sold", "14", "700.00 €"),
                ("426 customers let down × 50 %", "213", "10,650.00 €"),
                ("19 refunds", "19", "380.00 €"),
                ("162 support tickets", "162", "1,944.00 €"),
                ("5 support tickets", "5", "60.00 €"),
            ]
        );
        let fr = rows(Lang::Fr, &bill());
        assert_eq!(fr[0].from, "200 places − 186 vendues");
        assert_eq!(fr[1].amount, "10\u{202f}650,00 €");
    }
}
