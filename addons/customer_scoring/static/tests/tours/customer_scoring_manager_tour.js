/** @odoo-module **/
import { registry } from "@web/core/registry";

const menu = (xmlid) => `.dropdown-toggle[data-menu-xmlid='${xmlid}']`;
const item = (xmlid) => `.dropdown-item[data-menu-xmlid='${xmlid}']`;

registry.category("web_tour.tours").add("customer_scoring_manager_tour", {
    steps: () => {
        const thisMonth = luxon.DateTime.now().toFormat("MM/dd/yyyy");
        return [
            { content: "Open the apps menu", trigger: ".o_navbar_apps_menu button", run: "click" },
            {
                content: "Open the Key Accounts app",
                trigger: ".o_app[data-menu-xmlid='key_account_mgmt.menu_kam_root']",
                run: "click",
            },
            {
                content: "The Key Accounts app is open",
                trigger: ".o_main_navbar .o_menu_brand:contains('Key Accounts')",
            },
            { trigger: menu("key_account_mgmt.menu_kam_accounts"), run: "click" },
            {
                content: "Key Accounts > Class Proposals",
                trigger: item("key_account_mgmt.menu_kam_class_proposals"),
                run: "click",
            },
            {
                content: "Open the pending proposal",
                trigger: ".o_data_row td[name='partner_id']:contains('Tour Proposal Oy')",
                run: "click",
            },
            {
                content: "Approve it",
                trigger: ".o_form_view .o_statusbar_buttons button[name='action_approve']",
                run: "click",
            },
            {
                content: "The proposal is approved",
                trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Approved')",
            },
            { trigger: menu("key_account_mgmt.menu_kam_follow_up"), run: "click" },
            {
                content: "Follow-up > Accounts behind meeting targets",
                trigger: item("key_account_mgmt.menu_kam_meetings_behind"),
                run: "click",
            },
            {
                content: "Open the group of the key account manager",
                trigger: ".o_group_header:contains('Tour Manager')",
                run: "click",
            },
            {
                content: "The account behind its targets is listed",
                trigger: ".o_data_row:contains('Tour Behind Oy')",
            },
            {
                content: "Go to the Sales app",
                trigger: ".o_navbar_apps_menu button",
                run: "click",
            },
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
                content: "The scores are recomputed",
                trigger: ".o_notification:contains('customer scores recomputed')",
            },
            {
                content: "The customer has its score",
                trigger: ".o_data_row td[name='partner_id']:contains('Tour Buyer Oy')",
            },
            {
                content: "Its activity class: a first purchase this month is occasional",
                trigger: ".o_data_row:contains('Tour Buyer Oy') td[name='activity_class']:contains('Occasional')",
            },
            { trigger: menu("customer_scoring.menu_customer_scoring_sales"), run: "click" },
            {
                content: "Customer Scoring > Monthly KPIs",
                trigger: item("customer_scoring.menu_customer_kpi_snapshot_sales"),
                run: "click",
            },
            {
                content: "Nothing built yet: the help says how to build the figures",
                trigger: ".o_view_nocontent:contains('No monthly KPIs yet')",
            },
            {
                content: "Refresh this and last month",
                trigger: ".o_control_panel button[name='action_refresh_snapshots']",
                run: "click",
            },
            {
                content: "This month's figures of the customer are there",
                trigger: ".o_data_row:contains('Tour Buyer Oy') td[name='revenue']:contains('2,500.00')",
            },
            { trigger: menu("customer_scoring.menu_customer_scoring_sales"), run: "click" },
            {
                content: "Customer Scoring > KPI Targets vs Actual",
                trigger: item("customer_scoring.menu_customer_kpi_target_sales"),
                run: "click",
            },
            { content: "New target", trigger: ".o_list_button_add", run: "click" },
            {
                content: "This month",
                trigger: ".o_selected_row .o_field_widget[name='month'] input",
                run: `edit ${thisMonth}`,
            },
            {
                content: "For the salesperson",
                trigger: ".o_selected_row .o_field_widget[name='user_id'] input",
                run: "edit Tour Seller",
            },
            {
                trigger: ".o-autocomplete--dropdown-item:contains('Tour Seller')",
                run: "click",
            },
            {
                content: "Revenue target 5,000",
                trigger: ".o_selected_row .o_field_widget[name='target_revenue'] input",
                run: "edit 5000",
            },
            { content: "Save", trigger: ".o_list_button_save", run: "click" },
            {
                content: "Actual revenue beside the target",
                trigger: ".o_data_row:not(.o_selected_row) td[name='actual_revenue']:contains('2,500.00')",
            },
            {
                content: "and how much of it is reached",
                trigger: ".o_data_row td[name='revenue_achievement']:contains('50')",
            },
        ];
    },
});
