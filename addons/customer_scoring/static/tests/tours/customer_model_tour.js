/** @odoo-module **/
import { registry } from "@web/core/registry";

const menu = (xmlid) => `.dropdown-toggle[data-menu-xmlid='${xmlid}']`;
const item = (xmlid) => `.dropdown-item[data-menu-xmlid='${xmlid}']`;
const STORAGE_KEY = "customer_model_tour_figures";

/** The figures the test computed from the stored rows (set on the page before the start;
 * kept in the session storage in case the page reloads). */
function tourFigures() {
    if (window.customerModelTourFigures) {
        sessionStorage.setItem(STORAGE_KEY, JSON.stringify(window.customerModelTourFigures));
        return window.customerModelTourFigures;
    }
    return JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "{}");
}

/** A :contains() pattern matching exactly ``text`` (spaces around it allowed). */
function exactly(text) {
    return `/^\\s*${String(text).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$/`;
}

registry.category("web_tour.tours").add("customer_model_tour", {
    steps: () => {
        const f = tourFigures();
        const field = (name, text) => `.o_form_view .o_field_widget[name='${name}']:contains('${text}')`;
        return [
            { content: "Open the apps menu", trigger: ".o_navbar_apps_menu button", run: "click" },
            {
                content: "Open the Sales app",
                trigger: ".o_app[data-menu-xmlid='sale.sale_menu_root']",
                run: "click",
            },
            { trigger: menu("customer_scoring.menu_customer_scoring_sales"), run: "click" },
            {
                content: "Customer Scoring > Model",
                trigger: item("customer_scoring.menu_customer_clv_model"),
                run: "click",
            },
            {
                content: "The company's fit: fitted, on its customers",
                trigger: `.o_data_row:has(td[name='state']:contains('Fitted')):has(td[name='customer_count']:contains(${exactly(f.customers)})):has(td[name='repeat_customer_count']:contains(${exactly(f.repeat)}))`,
            },
            {
                content: "Only this company's fit: the other company's is not shown",
                trigger: ".o_list_view:not(:has(.o_data_row:contains('Too few data')))",
            },
            {
                content: "Open the fit",
                trigger: ".o_data_row td[name='customer_count']",
                run: "click",
            },
            {
                content: "The fit's state",
                trigger: ".o_statusbar_status .o_arrow_button_current:contains('Fitted')",
            },
            { content: "Customers", trigger: field("customer_count", f.customers) },
            { content: "Repeat buyers", trigger: field("repeat_customer_count", f.repeat) },
            { content: "BG/NBD r", trigger: field("bgnbd_r", f.r) },
            { content: "BG/NBD alpha", trigger: field("bgnbd_alpha", f.alpha) },
            { content: "BG/NBD a", trigger: field("bgnbd_a", f.a) },
            { content: "BG/NBD b", trigger: field("bgnbd_b", f.b) },
            { content: "Gamma-Gamma p", trigger: field("gg_p", f.p) },
            { content: "The fit's message", trigger: field("message", f.message) },
            {
                content: "The backtest: predicted beside actual purchases of the holdout weeks",
                trigger: `.o_field_widget[name='backtest_ids'] .o_data_row:has(td[name='state']:contains('Done')):has(td[name='predicted_total']:contains(${exactly(f.backtestPredicted)})):has(td[name='actual_total']:contains(${exactly(f.backtestActual)})):has(td[name='mae']:contains(${exactly(f.backtestMae)}))`,
            },
            {
                content: "Open the backtest chart",
                trigger: ".o_form_view button[name='action_open_backtest_chart']",
                run: "click",
            },
            {
                content: "The chart of mean actual and predicted purchases",
                trigger: ".o_breadcrumb .active:contains('Backtest as of 06/30/2025')",
            },
            { trigger: ".o_graph_renderer canvas" },
            { trigger: menu("customer_scoring.menu_customer_scoring_sales"), run: "click" },
            {
                content: "Customer Scoring > Purchase Forecast",
                trigger: item("customer_scoring.menu_customer_purchase_forecast"),
                run: "click",
            },
            {
                content: "The company's expected revenue of the first forecast month",
                trigger: `.o_pivot tr:has(th:contains('July 2025')) td:contains(${exactly(f.monthTotal)})`,
            },
            { content: "Go to the Key Accounts app", trigger: ".o_navbar_apps_menu button", run: "click" },
            {
                trigger: ".o_app[data-menu-xmlid='key_account_mgmt.menu_kam_root']",
                run: "click",
            },
            { content: "The app opens on the start page", trigger: ".o_kam_start_grid" },
            {
                content: "Open the Accounts menu",
                trigger: "[data-menu-xmlid='key_account_mgmt.menu_kam_accounts']",
                run: "click",
            },
            {
                content: "Open the key accounts",
                trigger: ".dropdown-item[data-menu-xmlid='key_account_mgmt.menu_kam_key_accounts']",
                run: "click",
            },
            {
                content: "Open the key account",
                trigger: `.o_kanban_record:contains('${f.keyAccount}')`,
                run: "click",
            },
            {
                content: "Its Scoring tab",
                trigger: ".o_notebook .nav-link[name='customer_scoring']",
                run: "click",
            },
            { content: "P(alive)", trigger: field("customer_p_alive", f.pAlive) },
            { content: "Customer lifetime value", trigger: field("customer_clv", f.clv) },
            {
                content: "Open its monthly forecast",
                trigger: ".o_form_view button[name='action_open_purchase_forecast']",
                run: "click",
            },
            {
                content: "The forecast of this customer",
                trigger: `.o_breadcrumb .active:contains('Forecast: ${f.keyAccount}')`,
            },
            {
                content: "Its expected revenue of the first forecast month",
                trigger: `.o_pivot tr:has(th:contains('July 2025')) td:contains(${exactly(f.ownFirstMonth)})`,
            },
            {
                content: "Its 12 months in total: only this customer's rows",
                trigger: `.o_pivot tbody tr:first-child td:contains(${exactly(f.ownTotal)})`,
            },
        ];
    },
});
