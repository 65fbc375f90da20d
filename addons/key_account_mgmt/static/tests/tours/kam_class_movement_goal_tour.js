/** @odoo-module **/
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A sales manager opens the class movement goals from the History menu, adds this year's
// goals of a salesperson in the list, reads the actual moves and the achievement, and
// opens, from the line's form, the class movements the actual counts.
const ROW = ".o_data_row:has(td[name='salesperson_id']:contains('Ville Voittaja'))";

registry.category("web_tour.tours").add("kam_class_movement_goal_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("key_account_mgmt.menu_kam_root", "Open the Key Accounts app"),
        {
            content: "Open the History menu",
            trigger: ".o_menu_sections [data-menu-xmlid='key_account_mgmt.menu_kam_reporting']",
            run: "click",
        },
        {
            content: "Open the class movement goals",
            trigger:
                ".dropdown-item[data-menu-xmlid='key_account_mgmt.menu_kam_class_movement_goal']",
            run: "click",
        },
        {
            content: "Add a line",
            trigger: ".o_list_view .o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "Choose the salesperson",
            trigger: ".o_selected_row td[name='salesperson_id'] input",
            run: "edit Ville",
        },
        {
            content: "Pick Ville Voittaja",
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('Ville Voittaja')",
            run: "click",
        },
        {
            content: "Four customers to raise from C to B",
            trigger: ".o_selected_row td[name='goal_c_to_b'] input",
            run: "edit 4",
        },
        {
            content: "Save the line",
            trigger: ".o_list_view .o_control_panel .o_list_button_save",
            run: "click",
        },
        {
            content: "Two moves counted: 50 % of the goal",
            trigger: `${ROW}:not(.o_selected_row) td[name='actual_c_to_b']:contains('2')`,
        },
        {
            content: "The achievement reads 50",
            trigger: `${ROW} td[name='achievement_c_to_b']:contains('50')`,
        },
        {
            content: "Open the line's form",
            trigger: `${ROW} td.o_list_record_open_form_view button`,
            run: "click",
        },
        {
            content: "The form reads the actual",
            trigger: ".o_form_view .o_field_widget[name='actual_c_to_b']:contains('2')",
        },
        {
            content: "... and the achievement",
            trigger: ".o_form_view .o_field_widget[name='achievement_c_to_b']:contains('50')",
        },
        {
            content: "Open the moves behind the actual",
            trigger: ".o_form_view button[name='action_open_c_to_b']",
            run: "click",
        },
        {
            content: "The class movements of both customers are listed",
            trigger:
                ".o_list_view .o_data_row td[name='partner_id']:contains('Toinen Nousija Oy')",
        },
        {
            content: "... with the salesperson at the time",
            trigger:
                ".o_list_view .o_data_row:has(td[name='partner_id']:contains('Nousija Oy')) td[name='user_id']:contains('Ville Voittaja')",
        },
    ],
});

// A salesperson reads this year's goals: their own and the company's, not a colleague's,
// without a way to change them, and opens their own to see the moves counted.
registry.category("web_tour.tours").add("kam_class_movement_goal_salesperson_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("key_account_mgmt.menu_kam_root", "Open the Key Accounts app"),
        {
            content: "Open the History menu",
            trigger: ".o_menu_sections [data-menu-xmlid='key_account_mgmt.menu_kam_reporting']",
            run: "click",
        },
        {
            content: "Open the class movement goals",
            trigger:
                ".dropdown-item[data-menu-xmlid='key_account_mgmt.menu_kam_class_movement_goal']",
            run: "click",
        },
        {
            content: "Two lines: own goals and the company's, not the colleague's; no New button",
            trigger: `.o_list_view:not(:has(.o_list_button_add)):has(${ROW}):not(:has(.o_data_row td[name='salesperson_id']:contains('Olga Muu')))`,
            async run() {
                const rows = document.querySelectorAll(".o_list_view .o_data_row");
                if (rows.length !== 2) {
                    throw new Error(`Expected 2 goal lines, got ${rows.length}`);
                }
            },
        },
        {
            content: "Open the own line",
            trigger: `${ROW} td[name='goal_c_to_b']:contains('4')`,
            run: "click",
        },
        {
            content: "The form shows the two moves counted for the salesperson",
            trigger: ".o_form_view .o_field_widget[name='actual_c_to_b']:contains('2')",
        },
        {
            content: "The goal cannot be edited",
            trigger: ".o_form_view .o_field_widget[name='goal_c_to_b']:not(:has(input))",
        },
        {
            content: "Open the moves behind the actual",
            trigger: ".o_form_view button[name='action_open_c_to_b']",
            run: "click",
        },
        {
            content: "The class movements of both customers are listed",
            trigger:
                ".o_list_view .o_data_row td[name='partner_id']:contains('Toinen Nousija Oy')",
        },
    ],
});
