/** @odoo-module **/
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A salesperson opens the Key Accounts app: her start page, her worst account first.
const ACCOUNTS = ".o_kam_start_section[data-section='accounts']";

registry.category("web_tour.tours").add("kam_start_page_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("key_account_mgmt.menu_kam_root", "Open the Key Accounts app"),
        {
            content: "She lands on her start page",
            trigger: ".o_kam_start_page .o_breadcrumb:contains('Key Accounts Today')",
        },
        {
            content: "Her worst account comes first, at risk and going down",
            trigger: `${ACCOUNTS} .o_kam_start_line:nth-child(1):contains('Heikko Oy'):has(.o_kam_health_score:contains('23')):has(.o_kam_trend_down):has(.o_kam_line_badge:contains('At risk'))`,
        },
        {
            content: "Then the healthy one, then the one without a health yet",
            trigger: `${ACCOUNTS} .o_kam_start_line:nth-child(2):contains('Vahva Oy') + .o_kam_start_line:nth-child(3):contains('Uusi Oy'):contains('Health not computed yet')`,
        },
        {
            content: "Her colleague's account is not on her page",
            trigger: `${ACCOUNTS}:not(:contains('Muu Oy'))`,
        },
        {
            content: "The other sections say there is nothing to do",
            trigger: ".o_kam_start_section[data-section='reviews'] .o_kam_start_empty",
        },
        {
            content: "Open her worst account",
            trigger: `${ACCOUNTS} .o_kam_start_line:contains('Heikko Oy') .o_kam_line_name`,
            run: "click",
        },
        {
            content: "Its form opens",
            trigger: ".o_form_view .o_field_widget[name='name']:contains('Heikko Oy'), .o_form_view .o_field_widget[name='name'] input:value('Heikko Oy')",
        },
        {
            content: "The breadcrumb leads back to the start page",
            trigger: ".o_breadcrumb:contains('Key Accounts Today')",
        },
    ],
});
