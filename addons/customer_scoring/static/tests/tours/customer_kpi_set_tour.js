/** @odoo-module **/
import { registry } from "@web/core/registry";

const menu = (xmlid) => `.dropdown-toggle[data-menu-xmlid='${xmlid}']`;
const item = (xmlid) => `.dropdown-item[data-menu-xmlid='${xmlid}']`;

registry.category("web_tour.tours").add("customer_kpi_set_tour", {
    steps: () => {
        const lastMonth = luxon.DateTime.now().startOf("month").minus({ months: 1 });
        const monthCell = `td[name='month']:contains('${lastMonth.toFormat("MM/dd/yyyy")}')`;
        const row = (series) =>
            `.o_data_row:has(${monthCell}):has(td[name='series']:contains('${series}'))`;
        return [
            { content: "Open the apps menu", trigger: ".o_navbar_apps_menu button", run: "click" },
            { trigger: ".o_app[data-menu-xmlid='sale.sale_menu_root']", run: "click" },
            { trigger: menu("customer_scoring.menu_customer_scoring_sales"), run: "click" },
            {
                content: "Customer Scoring > KPIs against Targets",
                trigger: item("customer_scoring.menu_customer_kpi_progress_sales"),
                run: "click",
            },
            {
                content: "The graph of the targets opens",
                trigger: ".o_graph_view",
            },
            {
                content: "Switch to the list",
                trigger: ".o_control_panel .o_switch_view.o_list",
                run: "click",
            },
            {
                content: "Last month's target: 2 new customers",
                trigger: `${row("Target")} td[name='new_customers']:contains('2')`,
            },
            {
                content: "Last month's target: average order value 120.00",
                trigger: `${row("Target")} td[name='average_order_value']:contains('120.00')`,
            },
            {
                content: "Last month's actual: 1 new customer",
                trigger: `${row("Actual")} td[name='new_customers']:contains('1')`,
            },
            {
                content: "Last month's actual: average order value 150.00",
                trigger: `${row("Actual")} td[name='average_order_value']:contains('150.00')`,
            },
        ];
    },
});
