/** @odoo-module **/
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// The key account manager fills the account plan of her key account (a goal with a
// target, an action with owner and deadline, a quarterly review) and prints it.
registry.category("web_tour.tours").add("kam_account_plan_tour", {
    steps: () => [
        {
            content: "Open the draft plan of the key account",
            trigger: ".o_data_row td[name='name']:contains('Tour plan 2026')",
            run: "click",
        },
        {
            content: "The plan is shown",
            trigger: ".o_form_view .o_breadcrumb:contains('Tour plan 2026')",
        },
        {
            content: "Open the goals",
            trigger: ".o_notebook a.nav-link:contains('Goals')",
            run: "click",
        },
        {
            content: "Add a goal",
            trigger: "div[name='goal_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Name the goal",
            trigger: ".modal div[name='name'] input",
            run: "edit Grow revenue",
        },
        {
            content: "The goal is an amount of money",
            trigger: ".modal div[name='value_type'] select",
            run: 'select "amount"',
        },
        {
            content: "Target: 100,000",
            trigger: ".modal div[name='target_value'] input",
            run: "edit 100000",
        },
        {
            content: "Add an action to the goal",
            trigger: ".modal div[name='action_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Name the action",
            trigger: ".modal div[name='action_ids'] .o_data_row div[name='name'] input",
            run: "edit Joint product training",
        },
        {
            content: "Owner of the action",
            trigger: ".modal div[name='action_ids'] .o_data_row div[name='owner_id'] input",
            run: "edit Tina",
        },
        {
            content: "Choose the key account manager",
            trigger: ".o-autocomplete--dropdown-menu .ui-menu-item a:contains('Tina Tour')",
            run: "click",
        },
        {
            content: "Deadline of the action",
            trigger: ".modal div[name='action_ids'] .o_data_row div[name='deadline'] input",
            run: "edit 03/31/2026",
        },
        {
            content: "Measurable outcome",
            trigger: ".modal div[name='action_ids'] .o_data_row div[name='outcome'] input",
            run: "edit 20 installers trained",
        },
        {
            content: "Save the goal",
            trigger: ".modal .modal-footer .o_form_button_save",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The goal's target shows with its currency",
            trigger: "div[name='goal_ids'] td[name='target_display']:contains('100,000.00')",
        },
        {
            content: "Open the quarterly reviews",
            trigger: ".o_notebook a.nav-link:contains('Quarterly reviews')",
            run: "click",
        },
        {
            content: "Record a review",
            trigger: "div[name='review_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Conclusions of the review",
            trigger: "div[name='review_ids'] .o_data_row div[name='conclusions'] textarea",
            run: "edit On track, add a marketing meeting",
        },
        ...stepUtils.saveForm(),
        {
            content: "The review is recorded: the next review is scheduled",
            trigger: ".o_form_view div[name='last_review_date'] span:not(:empty)",
        },
        {
            content: "The chatter tells when the next review is due",
            trigger: ".o-mail-Message:contains('recorded. Next review due')",
        },
        {
            content: "Print the plan",
            trigger: ".o_form_view button[name='action_print']",
            run: "click",
        },
        {
            content: "Still on the plan, no error",
            trigger: ".o_form_view .o_breadcrumb:contains('Tour plan 2026')",
        },
    ],
});
