//! The bill view: what the run cost the business so far, line by line (revenue lost:
//! unsold seats, customers a wrong clock turned away who gave up; refunds and support:
//! double bookings, holds taken back, holds expired early), each line with the counts
//! that produced it and the scenario's price, the totals, the customers affected, and
//! the prices used (`business.*`). All from the core's [`driftlab_sim::cost`].
//!
//! Its feed: the bill (a pass over the seats and the anomalies) every [`BILL_EVERY`]
//! frames while playing.

pub mod data;

use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::Txt;
use driftlab_sim::cost::Bill;
use leptos::prelude::*;

/// While playing, read the bill again every this many frames.
pub const BILL_EVERY: u32 = 8;

/// A subtotal or the total: label, amount.
#[component]
fn Sum(
    id: &'static str,
    label: Txt,
    tip: Txt,
    #[prop(into)] value: Signal<f64>,
    #[prop(optional)] total: bool,
) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <tr class="bill-sum" class:bill-grand=total>
            <th scope="row" colspan="4">
                <Term label=label tip=tip />
            </th>
            <td class="num" data-testid=format!("bill-{id}") data-value=move || value.get().to_string()>
                {move || data::euros(ctx.ui.lang.get(), value.get())}
            </td>
        </tr>
    }
}

/// The bill panel.
#[component]
pub fn BillPanel() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let bill = ctx
        .feed(Spec::new(Cadence::Every(BILL_EVERY)), |src| {
            src.sim().bill()
        })
        .signal();
    let empty = move || ui.clock.with(|c| c.events == 0);
    let rows = move |revenue: bool| {
        let lang = ui.lang.get();
        bill.with(|b| data::rows(lang, b))
            .into_iter()
            .filter(|r| r.item.is_revenue() == revenue)
            .map(|r| {
                let (label, tip) = data::label(r.item);
                view! {
                    <tr class:bill-zero=r.raw == 0.0>
                        <th scope="row"><Term label=label tip=tip /></th>
                        <td class="bill-from">{r.from}</td>
                        <td class="num">{r.count}</td>
                        <td class="num bill-unit">"× " {r.unit}</td>
                        <td class="num" data-testid=format!("bill-{}", r.item.name()) data-value=r.raw.to_string()>
                            {r.amount}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    let get = move |f: fn(&Bill) -> f64| Signal::derive(move || bill.with(f));
    let money = move |f: fn(&Bill) -> f64| move || data::euros(ui.lang.get(), bill.with(f));
    let int = move |f: fn(&Bill) -> u64| move || ui.lang.get().int(bill.with(f));
    let price = move |f: fn(&Bill) -> f64| move || data::euros(ui.lang.get(), bill.with(f));
    let share = move || {
        ui.lang
            .get()
            .num(bill.with(|b| b.prices.give_up_share) * 100.0, 0)
            + " %"
    };
    let affected = move || bill.with(|b| b.customers_affected);
    let hurt = Signal::derive(move || affected() > 0);
    view! {
        <section class="panel bill" aria-labelledby="bill-title" data-testid="bill">
            <header class="panel-head">
                <h2 id="bill-title">{ctx.tr(Txt::BillTitle)}</h2>
                <p class="hint">
                    {move || ctx.t(if empty() { Txt::BillEmpty } else { Txt::BillHint })}
                </p>
            </header>
            <div class="bill-body">
                <table class="bill-table" data-testid="bill-table">
                    <thead>
                        <tr>
                            <th scope="col">{ctx.tr(Txt::BillColLine)}</th>
                            <th scope="col">{ctx.tr(Txt::BillColFrom)}</th>
                            <th scope="col" class="num">{ctx.tr(Txt::BillColCount)}</th>
                            <th scope="col" class="num">{ctx.tr(Txt::BillColUnit)}</th>
                            <th scope="col" class="num">{ctx.tr(Txt::BillColAmount)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <tr class="bill-heading"><th colspan="5">{ctx.tr(Txt::BillRevenueLost)}</th></tr>
                        {move || rows(true)}
                        <Sum id="revenue_lost" label=Txt::BillRevenueLost tip=Txt::BillRevenueLostTip value=get(|b| b.revenue_lost) />
                        <tr class="bill-heading"><th colspan="5">{ctx.tr(Txt::BillRefundsSupport)}</th></tr>
                        {move || rows(false)}
                        <Sum id="refunds_and_support" label=Txt::BillRefundsSupport tip=Txt::BillRefundsSupportTip value=get(|b| b.refunds_and_support) />
                        <Sum id="total" label=Txt::BillTotal tip=Txt::BillTotalTip value=get(|b| b.total) total=true />
                    </tbody>
                </table>
                <aside class="bill-side">
                    <div class="bill-big">
                        <span class="bill-big-label"><Term label=Txt::BillTotal tip=Txt::BillTotalTip /></span>
                        <span class="bill-big-value" data-testid="bill-big-total">{money(|b| b.total)}</span>
                    </div>
                    <div class="bill-big" class:alert=hurt>
                        <span class="bill-big-label"><Term label=Txt::BillAffected tip=Txt::BillAffectedTip /></span>
                        <span class="bill-big-value" data-testid="bill-customers_affected" data-value=move || affected().to_string()>
                            {int(|b| b.customers_affected)}
                        </span>
                    </div>
                    <div class="bill-big bill-scale">
                        <span class="bill-big-label"><Term label=Txt::BillRevenue tip=Txt::BillRevenueTip /></span>
                        <span class="bill-big-value" data-testid="bill-revenue">{money(|b| b.revenue)}</span>
                    </div>
                    <h3>{ctx.tr(Txt::BillPrices)}</h3>
                    <dl class="bill-prices">
                        <dt>{ctx.tr(Txt::BillTicketPrice)}</dt>
                        <dd>{price(|b| b.prices.ticket_price)}</dd>
                        <dt>{ctx.tr(Txt::BillRefundCost)}</dt>
                        <dd>{price(|b| b.prices.refund_cost)}</dd>
                        <dt>{ctx.tr(Txt::BillSupportCost)}</dt>
                        <dd>{price(|b| b.prices.support_ticket_cost)}</dd>
                        <dt>{ctx.tr(Txt::BillGiveUpShare)}</dt>
                        <dd>{move || share()}</dd>
                    </dl>
                    <p class="hint">{ctx.tr(Txt::BillPricesHint)}</p>
                </aside>
            </div>
        </section>
    }
}
