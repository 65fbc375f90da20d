/** @odoo-module **/
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_profitability_tour", {
    steps: () => [
        {
            content: "The list shows the customers' margin after cost to serve",
            trigger: ".o_list_view .o_data_row td[name='partner_id']:contains('Tour Quiet Oy')",
        },
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Filter the unprofitable customers",
            trigger: ".o_filter_menu .dropdown-item:contains('Unprofitable')",
            run: "click",
        },
        {
            content: "The filter is on",
            trigger: ".o_searchview_facet:contains('Unprofitable')",
        },
        {
            content: "The customer without a cost to serve is gone",
            trigger:
                ".o_list_view:not(:has(.o_data_row td[name='partner_id']:contains('Tour Quiet Oy')))",
        },
        {
            content: "Open the unprofitable customer",
            trigger: ".o_data_row td[name='partner_id']:contains('Tour Hollow Oy')",
            run: "click",
        },
        {
            content: "Read the suggested steer",
            trigger: ".o_form_view .o_field_widget[name='steer']:contains('Self-service')",
        },
        {
            content: "Read why",
            trigger:
                ".o_form_view .o_field_widget[name='steer_explanation']:contains('Suggested: self-service')",
        },
        {
            content: "Marked unprofitable",
            trigger: ".o_form_view .ribbon:contains('Unprofitable')",
        },
    ],
});
