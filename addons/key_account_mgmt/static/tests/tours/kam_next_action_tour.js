/** @odoo-module **/
import { registry } from "@web/core/registry";

// A salesperson opens her key account, reads its next best action (a meeting with a
// contact who may be contacted, not the one who must not be) and clicks "Do it": the
// meeting opens, prefilled with the contact.
registry.category("web_tour.tours").add("kam_next_action_tour", {
    steps: () => [
        {
            content: "Her key account is open",
            trigger: ".o_form_view .o_breadcrumb:contains('Aamu Oy')",
        },
        {
            content: "Open the Key account tab",
            trigger: ".o_notebook a.nav-link[name='key_account']",
            run: "click",
        },
        {
            content: "The next best action names the contact, her group and why",
            trigger:
                ".o_kam_next_action:contains('Meet Maija Virtanen (Project managers): 3 of 9 meetings due by now held')",
        },
        {
            content: "The contact who must not be contacted is not proposed",
            trigger: ".o_kam_next_action:not(:contains('Kalle Kielto'))",
        },
        {
            content: "Do it",
            trigger: ".o_kam_next_action button[name='action_kam_do_next_action']",
            run: "click",
        },
        {
            content: "The meeting opens, named after the contact and the account",
            trigger:
                ".o_form_view .o_field_widget[name='name'] textarea:value('Meeting: Maija Virtanen, Aamu Oy'), .o_form_view .o_field_widget[name='name'] input:value('Meeting: Maija Virtanen, Aamu Oy')",
        },
        {
            content: "The contact is among the attendees",
            trigger: ".o_form_view .o_field_widget[name='partner_ids']:contains('Maija Virtanen')",
        },
        {
            content: "So is the salesperson herself",
            trigger: ".o_form_view .o_field_widget[name='partner_ids']:contains('Sally Next')",
        },
    ],
});
