/** @odoo-module **/
import { Component, onWillStart, status, useState, useSubEnv } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { useSetupAction } from "@web/search/action_hook";
import { Layout } from "@web/search/layout";
import { getDefaultConfig } from "@web/views/view";

/**
 * The salesperson's start page in the Key Accounts app: one card per section of
 * kam.start.page.get_start_page() (her accounts by health, actions due, meetings this week,
 * overdue SWOTs and reviews, and what other add-ons append). A line opens its record's
 * form; the next-best-action button runs the server method and follows its action.
 */
export class KamStartPage extends Component {
    static template = "key_account_mgmt.KamStartPage";
    static components = { Layout };
    static props = ["*"];

    setup() {
        useSubEnv({ config: { ...getDefaultConfig(), ...this.env.config } });
        useSetupAction();
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({ loading: true, busy: false, page: { sections: [] } });
        onWillStart(() => this.load());
    }

    async load() {
        if (status(this) === "destroyed") {
            return;
        }
        this.state.page = await this.orm.call("kam.start.page", "get_start_page", []);
        this.state.loading = false;
    }

    get texts() {
        return {
            hello: _t("Hello, %(name)s", { name: this.state.page.user || "" }),
            seeAll: _t("See all"),
            refresh: _t("Refresh"),
            health: _t("Relationship health"),
        };
    }

    healthTone(line) {
        return (line.badge && line.badge.tone) || "secondary";
    }

    openLine(line) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: line.res_model,
            res_id: line.res_id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    openAll(section) {
        return this.actionService.doAction(section.see_all);
    }

    async runButton(line) {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            const button = line.button;
            const action = await this.orm.call(button.model, button.method, [[button.res_id]]);
            if (action && typeof action === "object" && action.type) {
                // The action shows what was done (a meeting form, a notification that
                // reloads this page); a dialog reloads the page when it closes.
                await this.actionService.doAction(action, { onClose: () => this.load() });
            } else {
                await this.load();
            }
        } finally {
            this.state.busy = false;
        }
    }
}

registry.category("actions").add("kam_start_page", KamStartPage);
