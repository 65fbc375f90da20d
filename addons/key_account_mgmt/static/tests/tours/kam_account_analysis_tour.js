/** @odoo-module **/
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A manager opens the key-account analysis of a candidate, rates its present and future,
// records a competitor and our position, names the key account manager and promotes the
// customer: the analysis is decided and the customer shows as a key account.
registry.category("web_tour.tours").add("kam_account_analysis_tour", {
    steps: () => [
        {
            content: "Open the candidate's analysis",
            trigger: ".o_data_row td[name='partner_id']:contains('Tähti Oy')",
            run: "click",
        },
        {
            content: "The analysis is to decide",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('To decide')",
        },
        {
            content: "Open the present criteria",
            trigger: ".o_notebook a.nav-link[name='present']",
            run: "click",
        },
        {
            content: "Rate the relationship strength",
            trigger: "div[name='relationship_rating'] input",
            run: "edit 4",
        },
        {
            content: "Open the future criteria",
            trigger: ".o_notebook a.nav-link[name='future']",
            run: "click",
        },
        {
            content: "Rate the growth potential",
            trigger: "div[name='growth_rating'] input",
            run: "edit 5",
        },
        {
            content: "Open the competitors",
            trigger: ".o_notebook a.nav-link[name='competitors']",
            run: "click",
        },
        {
            content: "The overall rating is the mean of the rated criteria",
            trigger: "div[name='overall_rating']:contains('4.50')",
        },
        {
            content: "We are a minor supplier",
            trigger: "div[name='our_position'] select",
            run: 'select "minor"',
        },
        {
            content: "Our share of its purchases",
            trigger: "div[name='our_share'] input",
            run: "edit 20",
        },
        {
            content: "Add a competitor",
            trigger: "div[name='competitor_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Name the competitor",
            trigger: "div[name='competitor_ids'] .o_data_row div[name='name'] input",
            run: "edit Kilpailija Oy",
        },
        {
            content: "Its share of the customer's purchases",
            trigger: "div[name='competitor_ids'] .o_data_row div[name='share'] input",
            run: "edit 50",
        },
        {
            // Leave the row before switching tabs: a tab switched while the row is still
            // being rendered makes the list's patch find no element.
            content: "Leave the competitor's row",
            trigger: ".o_notebook a.nav-link[name='competitors']",
            run: "click",
        },
        {
            content: "The competitor's row is saved with its share",
            trigger: "div[name='competitor_ids'] .o_data_row:not(.o_selected_row) td[name='share']:contains('50')",
        },
        {
            content: "Open the decision",
            trigger: ".o_notebook a.nav-link[name='decision']",
            run: "click",
        },
        {
            content: "Name the key account manager",
            trigger: "div[name='key_account_manager_id'] input",
            run: "edit Kaisa",
        },
        {
            content: "Choose her",
            trigger: ".o-autocomplete--dropdown-menu .ui-menu-item a:contains('Kaisa Avainasiakas')",
            run: "click",
        },
        {
            content: "Why promote",
            trigger: "div[name='decision_reason'] textarea",
            run: "edit Growing project base",
        },
        {
            content: "Promote to key account",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_promote']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The analysis is decided: promoted",
            trigger: ".o_form_view .ribbon:contains('Promoted')",
        },
        {
            content: "The decision is written in the key-account history",
            trigger: "div[name='history_ids'] .o_data_row:contains('Selected as key account')",
        },
        {
            content: "Open the customer",
            trigger: ".o_form_view .o_field_widget[name='partner_id'] a",
            run: "click",
        },
        {
            content: "The customer's form shows its analysis and the decision",
            trigger: ".o_form_view button[name='action_kam_open_analyses']:contains('Promoted')",
        },
        {
            content: "Open the Key account tab",
            trigger: ".o_notebook a.nav-link[name='key_account']",
            run: "click",
        },
        {
            content: "The customer is a key account",
            trigger: "div[name='is_key_account'] input:checked",
        },
        {
            content: "With its key account manager",
            trigger: "div[name='key_account_manager_id'] input:value('Kaisa Avainasiakas')",
        },
    ],
});

// A salesperson opens her customer, starts a key-account analysis from its Analyses
// button, rates it and records complaints; deciding is left to a manager.
registry.category("web_tour.tours").add("kam_account_analysis_sales_tour", {
    steps: () => [
        {
            content: "Her customer is open",
            trigger: ".o_form_view .o_breadcrumb:contains('Oma Asiakas Oy')",
        },
        {
            content: "Open its analyses",
            trigger: ".o_form_view button[name='action_kam_open_analyses']:contains('Analyses')",
            run: "click",
        },
        {
            content: "None yet: make one",
            trigger: ".o_list_view .o_list_button_add, .o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "The analysis is of her customer",
            trigger: ".o_form_view div[name='partner_id'] input:value('Oma Asiakas Oy')",
        },
        {
            content: "She cannot decide it",
            trigger: ".o_form_view:not(:has(button[name='action_promote']))",
        },
        {
            content: "Number of complaints",
            trigger: "div[name='complaint_count'] input",
            run: "edit 2",
        },
        {
            content: "What they were about",
            trigger: "div[name='complaints'] textarea",
            run: "edit Two late deliveries",
        },
        {
            content: "Open the present criteria",
            trigger: ".o_notebook a.nav-link[name='present']",
            run: "click",
        },
        {
            content: "Rate the solvency",
            trigger: "div[name='solvency_rating'] input",
            run: "edit 3",
        },
        ...stepUtils.saveForm(),
        {
            content: "Saved: the analysis is named after the customer and its date",
            trigger: ".o_form_view .o_breadcrumb:contains('Oma Asiakas Oy,')",
        },
    ],
});
