/** @odoo-module **/
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A salesperson's morning: her key accounts, one account's class and meetings, the
// customer's size, a contact's stakeholder group, a SWOT item and a class proposal.
const FIELD = (name) => `.o_form_view .o_field_widget[name='${name}']`;

registry.category("web_tour.tours").add("kam_morning_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("key_account_mgmt.menu_kam_root", "Open the Key Accounts app"),
        { content: "The app opens on her start page", trigger: ".o_kam_start_grid" },
        {
            content: "Open the Accounts menu",
            trigger: "[data-menu-xmlid='key_account_mgmt.menu_kam_accounts']",
            run: "click",
        },
        {
            content: "Open her key accounts",
            trigger: ".dropdown-item[data-menu-xmlid='key_account_mgmt.menu_kam_key_accounts']",
            run: "click",
        },
        {
            content: "She lands on her own key accounts",
            trigger: ".o_searchview_facet:contains('My key accounts')",
        },
        {
            content: "Her account is there, her colleague's is not",
            trigger:
                ".o_kanban_view:has(.o_kanban_record:contains('Aamu Oy')):not(:has(.o_kanban_record:contains('Muu Oy')))",
        },
        {
            content: "Open her key account",
            trigger: ".o_kanban_record:contains('Aamu Oy')",
            run: "click",
        },
        {
            content: "Open the Key account tab",
            trigger: ".o_notebook a.nav-link[name='key_account']",
            run: "click",
        },
        {
            content: "The class is B, and the tab says it is the customer's class",
            trigger: `${FIELD("abc_class")}:contains('B')`,
        },
        {
            content: "The tab says what the class decides",
            trigger: ".o_kam_class_hint:contains('sets the service level and the meeting targets')",
        },
        {
            content: "The tab says which rule computes the class",
            trigger: `${FIELD("kam_class_source_text")}:contains('Criteria rule')`,
        },
        {
            content: "Why this class: the rule's reason",
            trigger: `${FIELD("abc_class_explanation")}:contains('Class B = the computed class.')`,
        },
        {
            content: "Meeting status: procurement, 1 held of a target of 2, 1 planned",
            trigger: `${FIELD("kam_meeting_status_ids")} .o_data_row:has(td[name='stakeholder_group_id']:contains('Procurement')):has(td[name='meetings_held']:contains('1')):has(td[name='meetings_planned']:contains('1')):has(td[name='target_display']:contains('2'))`,
        },
        {
            content: "The meeting table shows its rows only, no blank filler rows",
            trigger: `${FIELD("kam_meeting_status_ids")}:not(:has(tbody tr:not(.o_data_row):visible))`,
        },
        {
            content: "Enter the customer's own turnover",
            trigger: `${FIELD("customer_turnover")} input`,
            run: "edit 25000000",
        },
        {
            content: "Enter the installers",
            trigger: `${FIELD("installer_count")} input`,
            run: "edit 60",
        },
        ...stepUtils.saveForm(),
        {
            content: "The class follows the new size: A",
            trigger: `${FIELD("abc_class_explanation")}:contains('Class A = the computed class.')`,
        },
        {
            content: "Open the contacts",
            trigger: ".o_notebook a.nav-link[name='contact_addresses']",
            run: "click",
        },
        {
            content: "Open the contact without a stakeholder group",
            trigger: ".o_field_widget[name='child_ids'] .o_kanban_record:contains('Pekka Projekti')",
            run: "click",
        },
        {
            content: "Set the stakeholder group",
            trigger: ".modal .o_field_widget[name='kam_stakeholder_group_id'] input",
            run: "edit Project",
        },
        {
            content: "Pick Project managers",
            trigger: ".ui-autocomplete .dropdown-item:contains('Project managers')",
            run: "click",
        },
        {
            content: "Close the contact",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The contact dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        ...stepUtils.saveForm(),
        {
            content: "Open SWOT & plans",
            trigger: ".o_notebook a.nav-link[name='key_account_swot']",
            run: "click",
        },
        {
            content: "The empty SWOT says what to do",
            trigger: ".o_notebook p:contains('No SWOT yet')",
        },
        {
            content: "The empty SWOT list has its Add a line row and no blank rows",
            trigger: `${FIELD("kam_swot_item_ids")}:has(.o_field_x2many_list_row_add):not(:has(tbody tr:not(.o_data_row):not(:has(.o_field_x2many_list_row_add)):visible))`,
        },
        {
            content: "Add a SWOT item on the tab",
            trigger: `${FIELD("kam_swot_item_ids")} .o_field_x2many_list_row_add a`,
            run: "click",
        },
        {
            content: "A strength",
            trigger: `${FIELD("kam_swot_item_ids")} .o_data_row td[name='swot_type'] select`,
            run: 'select "strength"',
        },
        {
            content: "Describe it",
            trigger: `${FIELD("kam_swot_item_ids")} .o_data_row td[name='description'] textarea`,
            run: "edit Installs our systems in every new building",
        },
        ...stepUtils.saveForm(),
        {
            content: "The SWOT item is saved on the account",
            trigger: `${FIELD("kam_swot_item_ids")} .o_data_row:contains('Installs our systems')`,
        },
        {
            content: "Back to the Key account tab",
            trigger: ".o_notebook a.nav-link[name='key_account']",
            run: "click",
        },
        {
            content: "Propose a class",
            trigger: ".o_form_view button[name='action_kam_propose_class']",
            run: "click",
        },
        {
            content: "The proposed class",
            trigger: ".modal .o_field_widget[name='proposed_class'] select",
            run: 'select "B"',
        },
        {
            content: "Why",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit The order volume dropped this year",
        },
        {
            content: "Submit the proposal",
            trigger: ".modal button[name='action_submit']",
            run: "click",
        },
        {
            content: "The proposal waits for approval on the tab",
            trigger: `${FIELD("kam_class_proposal_ids")} .o_data_row:has(td[name='proposed_class']:contains('B')):contains('Waiting for approval')`,
        },
        {
            content: "No second proposal while one is pending",
            trigger: ".o_form_view:not(:has(button[name='action_kam_propose_class']))",
        },
        {
            content: "Back to the key accounts",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item:first a",
            run: "click",
        },
        {
            content: "Remove the filter on her accounts",
            trigger: ".o_searchview_facet:contains('My key accounts') .o_facet_remove",
            run: "click",
        },
        {
            content: "Open her colleague's account",
            trigger: ".o_kanban_record:contains('Muu Oy')",
            run: "click",
        },
        {
            content: "Key account tab of a colleague's account",
            trigger: ".o_notebook a.nav-link[name='key_account']",
            run: "click",
        },
        {
            content: "The tab says why she cannot change it",
            trigger: ".o_kam_read_only:contains('This account belongs to Otto Other')",
        },
        {
            content: "The size is read-only, Propose class and Recompute are hidden",
            trigger:
                ".o_form_view:has(.o_field_widget[name='installer_count']):not(:has(.o_field_widget[name='installer_count'] input)):not(:has(button[name='action_kam_propose_class'])):not(:has(button[name='action_kam_recompute_class']))",
        },
    ],
});
