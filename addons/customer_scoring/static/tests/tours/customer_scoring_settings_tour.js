/** @odoo-module **/
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * A sales manager without Administration rights changes the scoring and class settings
 * from the menus he sees: wrong values are refused with a message quoting what he typed,
 * a valid change moving two values together is saved and shown again after a reload.
 */

function openScoringSettings() {
    return [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open the Sales app"),
        {
            content: "Open the Customer Scoring menu",
            trigger: "[data-menu-xmlid='customer_scoring.menu_customer_scoring_sales']",
            run: "click",
        },
        {
            content: "Open the scoring settings",
            trigger: "[data-menu-xmlid='customer_scoring.menu_customer_scoring_settings']",
            run: "click",
        },
        {
            content: "The scoring settings of the current company are shown",
            trigger: ".o_breadcrumb:contains('Customer scoring settings of')",
        },
    ];
}

function openClassSettings() {
    return [
        ...stepUtils.goToAppSteps("key_account_mgmt.menu_kam_root", "Open the Key Accounts app"),
        {
            content: "Open the Configuration menu",
            trigger: "[data-menu-xmlid='key_account_mgmt.menu_kam_config']",
            run: "click",
        },
        {
            content: "Open the key account settings",
            trigger: "[data-menu-xmlid='key_account_mgmt.menu_kam_settings']",
            run: "click",
        },
        {
            content: "The class settings of the current company are shown",
            trigger: ".o_breadcrumb:contains('Key account settings of')",
        },
    ];
}

function save() {
    return {
        content: "Save the settings",
        trigger: ".o_form_view button[name='action_save']",
        run: "click",
    };
}

function readErrorAndClose(...texts) {
    return [
        ...texts.map((text) => ({
            content: `The error names the values: ${text}`,
            trigger: `.o_error_dialog p:contains(${JSON.stringify(text)})`,
        })),
        {
            content: "Close the error",
            trigger: ".o_error_dialog .o-default-button",
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("customer_scoring_settings_tour", {
    url: "/odoo",
    steps: () => [
        ...openScoringSettings(),
        // Weights that do not add up to 100.
        {
            content: "Raise the revenue weight to 45",
            trigger: "div[name='score_weight_revenue'] input",
            run: "edit 45",
        },
        save(),
        ...readErrorAndClose(
            "add up to 115; they must add up to 100",
            "Weight: Revenue 45, Weight: Growth 10"
        ),
        {
            content: "Back to a revenue weight of 30",
            trigger: "div[name='score_weight_revenue'] input",
            run: "edit 30",
        },
        // A wrong ABC order: class A above class B.
        {
            content: "Class A share 96 (B stays 95)",
            trigger: "div[name='score_abc_a_share'] input",
            run: "edit 96",
        },
        save(),
        ...readErrorAndClose(
            "“Class A up to cumulative share (%)” (96.0 %) must be above 0 and below " +
                "“Class B up to cumulative share (%)” (95.0 %)"
        ),
        // The valid change: A 80 -> 96 together with B 95 -> 99.
        {
            content: "Class B share 99",
            trigger: "div[name='score_abc_b_share'] input",
            run: "edit 99",
        },
        save(),
        {
            content: "The settings are saved",
            trigger: ".o_notification_content:contains('Settings saved for')",
        },
        // Class thresholds: 50 M / 30 M back to 20 M / 10 M.
        ...openClassSettings(),
        {
            content: "The class A turnover threshold is 50 M",
            trigger: "div[name='kam_a_min_turnover'] input:value('50,000,000.00')",
        },
        {
            content: "Lower class A turnover to 20 M first (B still 30 M)",
            trigger: "div[name='kam_a_min_turnover'] input",
            run: "edit 20000000",
        },
        save(),
        ...readErrorAndClose(
            "“Class A: turnover above” (20,000,000.00",
            "is below the class B threshold “Class B: turnover above” (30,000,000.00"
        ),
        {
            content: "The message quotes class B as it is",
            trigger: ".o_form_view div[name='kam_b_min_turnover'] input:value('30,000,000.00')",
        },
        {
            content: "Lower class B turnover to 10 M",
            trigger: "div[name='kam_b_min_turnover'] input",
            run: "edit 10000000",
        },
        save(),
        {
            content: "The class settings are saved",
            trigger: ".o_notification_content:contains('Settings saved for')",
        },
        {
            content: "Reload the page",
            trigger: ".o_breadcrumb:contains('Key account settings of')",
            run: "goToUrl /odoo",
            expectUnloadPage: true,
        },
        ...openClassSettings(),
        {
            content: "Class A turnover 20 M is kept",
            trigger: "div[name='kam_a_min_turnover'] input:value('20,000,000.00')",
        },
        {
            content: "Class B turnover 10 M is kept",
            trigger: "div[name='kam_b_min_turnover'] input:value('10,000,000.00')",
        },
        ...openScoringSettings(),
        {
            content: "Class A share 96 is kept",
            trigger: "div[name='score_abc_a_share'] input:value('96.00')",
        },
        {
            content: "Class B share 99 is kept",
            trigger: "div[name='score_abc_b_share'] input:value('99.00')",
        },
        {
            content: "The revenue weight is back to 30",
            trigger: "div[name='score_weight_revenue'] input:value(30)",
        },
    ],
});
