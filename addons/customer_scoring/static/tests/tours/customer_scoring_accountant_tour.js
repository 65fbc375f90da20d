/** @odoo-module **/
import { registry } from "@web/core/registry";

// The amounts as the user reads them: digits, separators and sign only.
const amount = (text) => text.replace(/[^\d.,-]/g, "");
let revenueShown = "";

registry.category("web_tour.tours").add("customer_scoring_accountant_tour", {
    steps: () => [
        {
            content: "Open the score of the customer",
            trigger: ".o_data_row td[name='partner_id']:contains('Tour Ledger Oy')",
            run: "click",
        },
        {
            content: "Read the revenue of the last 12 months (invoices minus the credit note)",
            trigger: ".o_form_view .o_field_widget[name='revenue_12m']:contains('4,400.00')",
            run() {
                revenueShown = amount(
                    document.querySelector(".o_field_widget[name='revenue_12m']").textContent
                );
            },
        },
        {
            content: "Open the invoice lines counted",
            trigger: "button[name='action_open_invoice_lines']",
            run: "click",
        },
        {
            content: "The list says what it lists",
            trigger: ".o_breadcrumb:contains('Invoice lines counted in revenue (12 months): Tour Ledger Oy')",
        },
        {
            content: "The filter is visible",
            trigger: ".o_searchview_facet:contains('Counted in revenue')",
        },
        {
            content: "The credit note is deducted",
            trigger: ".o_data_row td[name='score_revenue']:contains('-400.00')",
        },
        {
            content: "The list's total is the revenue shown on the score",
            trigger: ".o_list_footer td[name='score_revenue'], .o_list_footer .o_list_number",
            run() {
                const totals = [...document.querySelectorAll(".o_list_footer .o_list_number")].map(
                    (cell) => amount(cell.textContent)
                );
                if (!revenueShown || !totals.includes(revenueShown)) {
                    throw new Error(
                        `List total ${totals.join(" / ")} is not the revenue shown ${revenueShown}`
                    );
                }
            },
        },
    ],
});
