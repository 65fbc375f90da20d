/** @odoo-module **/
import { registry } from "@web/core/registry";

const menu = (xmlid) => `.dropdown-toggle[data-menu-xmlid='${xmlid}']`;
const item = (xmlid) => `.dropdown-item[data-menu-xmlid='${xmlid}']`;

registry.category("web_tour.tours").add("customer_scoring_queue_tour", {
    steps: () => [
        { content: "Open the apps menu", trigger: ".o_navbar_apps_menu button", run: "click" },
        { trigger: ".o_app[data-menu-xmlid='sale.sale_menu_root']", run: "click" },
        { trigger: menu("customer_scoring.menu_customer_scoring_sales"), run: "click" },
        {
            content: "Customer Scoring > Customer Scores",
            trigger: item("customer_scoring.menu_customer_score_sales"),
            run: "click",
        },
        {
            content: "Press Recompute scores in the list header",
            trigger: ".o_control_panel button[name='action_recompute_scores']",
            run: "click",
        },
        {
            content: "The run is queued, not done in the request",
            trigger: ".o_notification:contains('was queued')",
        },
        { trigger: menu("customer_scoring.menu_customer_scoring_sales"), run: "click" },
        {
            content: "Customer Scoring > Scoring Runs",
            trigger: item("customer_scoring.menu_customer_score_run"),
            run: "click",
        },
        {
            content: "Today's run is running, none of its customers staged yet",
            trigger:
                ".o_data_row:contains('Running') td[name='staged_count']:contains('0')",
        },
        {
            content: "Of all the company's customers",
            trigger: ".o_data_row:contains('Running') td[name='total_count']:not(:contains('0'))",
        },
    ],
});
