/** @odoo-module **/
import { registry } from "@web/core/registry";

// A salesperson opens her customer, opens its segmentation from the Key account tab,
// rates the four axes, reads the two quadrants and the proposal, and confirms it: the
// decision shows on the segmentation, in its history and on the customer.
registry.category("web_tour.tours").add("kam_segmentation_tour", {
    steps: () => [
        {
            content: "Her customer is open",
            trigger: ".o_form_view .o_breadcrumb:contains('Kallio Oy')",
        },
        {
            content: "Open the Key account tab",
            trigger: ".o_notebook a.nav-link[name='key_account']",
            run: "click",
        },
        {
            content: "Open the segmentation",
            trigger: "button[name='action_kam_open_segmentation']",
            run: "click",
        },
        {
            content: "A new segmentation of this customer",
            trigger: ".o_form_view div[name='partner_id'] input:value('Kallio Oy')",
        },
        {
            content: "Strategic importance 4",
            trigger: ".o_form_view div[name='importance'] input",
            run: "edit 4 && press Tab",
        },
        {
            content: "Effort to serve 2",
            trigger: ".o_form_view div[name='effort'] input",
            run: "edit 2 && press Tab",
        },
        {
            content: "Stage 1 reads as a quadrant",
            trigger: ".o_form_view div[name='stage1_quadrant']:contains('Important, easy to serve')",
        },
        {
            content: "Attractiveness 4",
            trigger: ".o_form_view div[name='attractiveness'] input",
            run: "edit 4 && press Tab",
        },
        {
            content: "Strength of the relationship 2",
            trigger: ".o_form_view div[name='relationship'] input",
            run: "edit 2 && press Tab",
        },
        {
            content: "Stage 2 reads as a quadrant",
            trigger:
                ".o_form_view div[name='stage2_quadrant']:contains('Attractive, relationship still weak')",
        },
        {
            content: "The proposal: develop",
            trigger: ".o_form_view div[name='proposed_decision']:contains('Develop')",
        },
        {
            content: "Confirm the decision",
            trigger: ".o_form_view button[name='action_confirm_decision']",
            run: "click",
        },
        {
            content: "The confirmed decision",
            trigger: ".o_form_view div[name='decision'].o_kam_decision:contains('Develop')",
        },
        {
            content: "Decided by her",
            trigger: ".o_form_view div[name='decided_by_id']:contains('Selma Segment')",
        },
        {
            content: "The history has the row, with the ratings of the moment",
            trigger:
                "div[name='history_ids'] .o_data_row:contains('Develop'):contains('Selma Segment')",
        },
        {
            content: "Back to the customer",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item a:contains('Kallio Oy')",
            run: "click",
        },
        {
            content: "Open the Key account tab again",
            trigger: ".o_notebook a.nav-link[name='key_account']",
            run: "click",
        },
        {
            content: "The customer shows the decision",
            trigger: ".o_field_widget[name='kam_decision']:contains('Develop')",
        },
    ],
});
