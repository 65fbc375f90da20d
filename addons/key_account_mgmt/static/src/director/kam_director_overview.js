/** @odoo-module **/
import { Component, markup, onWillStart, useState } from "@odoo/owl";
import { makeContext } from "@web/core/context";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { escape } from "@web/core/utils/strings";
import { Layout } from "@web/search/layout";
import { View } from "@web/views/view";

/**
 * One tile of the overview: a title, an "Open" link to the full report and one of Odoo's
 * own views (graph, pivot or list) on the tile's model, domain and context, without its
 * control panel (as the dashboards of the board module embed them).
 */
export class KamDirectorTile extends Component {
    static template = "key_account_mgmt.KamDirectorTile";
    static components = { View };
    static props = { tile: Object };

    setup() {
        this.actionService = useService("action");
        const tile = this.props.tile;
        this.viewProps = {
            resModel: tile.res_model,
            type: tile.view_type,
            views: [
                [tile.view_id || false, tile.view_type],
                [false, "search"],
            ],
            domain: tile.domain || [],
            context: makeContext([{ lang: user.context.lang }, tile.context || {}]),
            display: { controlPanel: false },
            noBreadcrumbs: true,
            className: "o_kam_director_tile_view",
        };
        if (tile.empty_help) {
            this.viewProps.noContentHelp = markup(
                `<p class="o_view_nocontent_smiling_face">${escape(tile.empty_help)}</p>`
            );
        }
        if (tile.view_type === "list") {
            this.viewProps.allowSelectors = false;
            this.viewProps.selectRecord = (resId) => this.openRecord(resId);
        }
    }

    get openTitle() {
        return _t("Open the full report: %s", this.props.tile.title);
    }

    openAction() {
        this.actionService.doAction(this.props.tile.action);
    }

    openRecord(resId) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: this.props.tile.res_model,
            res_id: resId,
            views: [[false, "form"]],
        });
    }
}

/**
 * The sales director's overview (client action ``kam_director_overview``): the tiles
 * ``kam.director.overview.get_tiles`` returns for the user, two columns on wide screens.
 */
export class KamDirectorOverview extends Component {
    static template = "key_account_mgmt.KamDirectorOverview";
    static components = { Layout, KamDirectorTile };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.state = useState({ tiles: [] });
        onWillStart(async () => {
            this.state.tiles = await this.orm.call("kam.director.overview", "get_tiles", []);
        });
    }

    get emptyText() {
        return _t("No report to show: install the data the tiles read, or check your access.");
    }
}

registry.category("actions").add("kam_director_overview", KamDirectorOverview);
