/** @odoo-module **/
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// The sales director opens the overview from the History menu: every tile shows one of
// Odoo's own views with figures (a chart, a pivot table, a list), and a tile's "Open"
// link opens the full report.
const TILE = (key) => `.o_kam_director_tile[data-tile='${key}']`;

registry.category("web_tour.tours").add("kam_director_overview_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("key_account_mgmt.menu_kam_root", "Open the Key Accounts app"),
        {
            content: "Open the History menu",
            trigger: ".o_menu_sections [data-menu-xmlid='key_account_mgmt.menu_kam_reporting']",
            run: "click",
        },
        {
            content: "Open the Overview",
            trigger: ".dropdown-item[data-menu-xmlid='key_account_mgmt.menu_kam_director_overview']",
            run: "click",
        },
        {
            content: "The overview is open",
            trigger: ".o_kam_director_overview .o_breadcrumb:contains('Overview')",
        },
        {
            content: "Class mix: a chart",
            trigger: `${TILE("class_mix")}:contains('Class mix') .o_graph_canvas_container canvas`,
        },
        {
            content: "Class movements per month: a chart",
            trigger: `${TILE("class_movement")} .o_graph_canvas_container canvas`,
        },
        {
            content: "Class movements per salesperson: a pivot table with her moves",
            trigger: `${TILE("class_movement_salesperson")} .o_pivot table th:contains('Olli Overview')`,
        },
        {
            content: "Meeting coverage per key account manager: a pivot table",
            trigger: `${TILE("meeting_coverage")} .o_pivot table th:contains('Olli Overview')`,
        },
        {
            content: "Relationship health: a chart",
            trigger: `${TILE("health_distribution")} .o_graph_canvas_container canvas`,
        },
        {
            content: "Key accounts at risk: the weak account, not the healthy one",
            trigger: `${TILE("accounts_at_risk")} .o_list_table:has(.o_data_row td[name='partner_id']:contains('Heikko Oy')):not(:has(.o_data_row td[name='partner_id']:contains('Vahva Oy')))`,
        },
        {
            content: "Every tile shows a chart, a table or its empty message",
            trigger: ".o_kam_director_overview .o_kam_director_tile",
            async run() {
                const blankTiles = () =>
                    [...document.querySelectorAll(".o_kam_director_tile")].filter(
                        (tile) => !tile.querySelector("canvas, table, .o_view_nocontent")
                    );
                // The tiles load their views independently: give the last ones time.
                for (let attempt = 0; attempt < 50 && blankTiles().length; attempt++) {
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                const blank = blankTiles().map((tile) => tile.dataset.tile);
                if (blank.length) {
                    throw new Error(`Tiles without a view: ${blank.join(", ")}`);
                }
            },
        },
        {
            content: "Open the full report of the class movements",
            trigger: `${TILE("class_movement")} .o_kam_director_tile_open`,
            run: "click",
        },
        {
            content: "The class movements report opens with its control panel",
            trigger: ".o_graph_view .o_control_panel .o_breadcrumb:contains('Class Movements')",
        },
        {
            content: "Back to the overview through the breadcrumb",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item a:contains('Overview')",
            run: "click",
        },
        {
            content: "The overview is shown again",
            trigger: `${TILE("class_mix")} canvas`,
        },
    ],
});
