/** @odoo-module **/
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("kam_tour_smoke", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("key_account_mgmt.menu_kam_root", "Open the Key Accounts app"),
        {
            content: "The key accounts screen is shown",
            trigger: ".o_breadcrumb:contains('Key Accounts')",
        },
    ],
});
