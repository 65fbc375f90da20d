from freezegun import freeze_time

from odoo.tests import TransactionCase, new_test_user

OVERVIEW = "kam.director.overview"
SCORING_TILES = {"kpi_targets", "key_account_revenue", "concentration", "plan_goals"}


@freeze_time("2026-11-20")
class TestDirectorOverviewScoring(TransactionCase):
    """The scoring's tiles on the sales director's overview, and the monthly KPIs against
    targets they read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company2 = cls.env["res.company"].create({"name": "Toinen Oy"})
        cls.director = new_test_user(
            cls.env,
            login="cs_director",
            name="Dora Director",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, (cls.company | cls.company2).ids)],
        )
        # A key account manager without sales rights reads neither scores nor KPIs.
        cls.kam_manager = new_test_user(
            cls.env,
            login="cs_kam_only",
            name="Kim Key",
            groups="key_account_mgmt.group_kam_manager",
        )
        cls.seller = new_test_user(
            cls.env,
            login="cs_seller",
            name="Sini Seller",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[(6, 0, (cls.company | cls.company2).ids)],
        )
        cls.other_seller = new_test_user(
            cls.env, login="cs_other", name="Otto Other", groups="sales_team.group_sale_salesman"
        )
        cls.team = cls.env["crm.team"].create({"name": "Pohjoinen", "company_id": cls.company.id})
        cls.customer = cls.env["res.partner"].create({"name": "Asiakas Oy", "is_company": True})

    def _tiles(self, user):
        return {tile["key"]: tile for tile in self.env[OVERVIEW].with_user(user).get_tiles()}

    def _snapshot(self, month, user, revenue, team=None, company=None):
        return self.env["customer.kpi.snapshot"].create(
            {
                "month": month,
                "company_id": (company or self.company).id,
                "partner_id": self.customer.id,
                "user_id": user.id,
                "team_id": team.id if team else False,
                "revenue": revenue,
                "margin": revenue / 4,
                "meeting_count": 1,
            }
        )

    def _progress(self, user, domain, companies=None):
        Progress = self.env["customer.kpi.progress"].with_user(user)
        if companies:
            Progress = Progress.with_context(allowed_company_ids=companies.ids)
        return {
            (month, series): (revenue, margin, meetings)
            for month, series, revenue, margin, meetings in Progress._read_group(
                domain,
                ["month:month", "series"],
                ["revenue:sum", "margin:sum", "meetings:sum"],
            )
        }

    def test_scoring_tiles_for_the_sales_manager(self):
        tiles = self._tiles(self.director)
        self.assertLessEqual(SCORING_TILES, tiles.keys())
        self.assertIn("class_mix", tiles)
        for key in SCORING_TILES:
            with self.subTest(tile=key):
                tile = tiles[key]
                view = self.env["ir.ui.view"].browse(tile["view_id"])
                self.assertEqual((view.model, view.type), (tile["res_model"], tile["view_type"]))
                self.assertTrue(self.env.ref(tile["action"]))
                self.env[tile["res_model"]].with_user(self.director).search_count(tile["domain"])
        self.assertEqual(tiles["kpi_targets"]["size"], "full")
        self.assertEqual(
            tiles["kpi_targets"]["domain"],
            [("month", ">=", "2025-11-01"), ("month", "<", "2026-11-01")],
        )

    def test_concentration_title_says_the_threshold(self):
        self.company.score_concentration_threshold = 12.5
        title = self._tiles(self.director)["concentration"]["title"]
        self.assertIn("12.5\N{NO-BREAK SPACE}%", title)

    def test_no_scoring_tiles_without_sales_rights(self):
        tiles = self._tiles(self.kam_manager)
        self.assertFalse(tiles.keys() & {"kpi_targets", "key_account_revenue", "concentration"})
        self.assertIn("class_mix", tiles)

    def test_actual_against_target_per_month(self):
        Target = self.env["customer.kpi.target"]
        Target.create(
            [
                {"month": "2026-10-15", "user_id": self.seller.id, "target_revenue": 1000},
                {"month": "2026-11-01", "user_id": self.seller.id, "target_revenue": 1200},
                {"month": "2026-11-01", "team_id": self.team.id, "target_revenue": 5000},
            ]
        )
        self._snapshot("2026-10-01", self.seller, 800)
        self._snapshot("2026-11-01", self.seller, 300, team=self.team)
        self._snapshot("2026-11-01", self.other_seller, 2000, team=self.team)
        self._snapshot("2026-11-01", self.other_seller, 9999)  # no target: not counted
        seller = self._progress(self.director, [("user_id", "=", self.seller.id)])
        by_month = {
            (month.strftime("%Y-%m"), series): values for (month, series), values in seller.items()
        }
        self.assertEqual(
            by_month,
            {
                ("2026-10", "target"): (1000, 0, 0),
                ("2026-10", "actual"): (800, 200, 1),
                ("2026-11", "target"): (1200, 0, 0),
                ("2026-11", "actual"): (300, 75, 1),
            },
        )
        team = self._progress(self.director, [("team_id", "=", self.team.id)])
        team = {(m.strftime("%Y-%m"), s): v[0] for (m, s), v in team.items()}
        self.assertEqual(team, {("2026-11", "target"): 5000, ("2026-11", "actual"): 2300})

    def test_other_company_targets_invisible(self):
        self.env["customer.kpi.target"].create(
            {
                "month": "2026-11-01",
                "user_id": self.seller.id,
                "target_revenue": 700,
                "company_id": self.company2.id,
            }
        )
        self._snapshot("2026-11-01", self.seller, 500, company=self.company2)
        domain = [("user_id", "=", self.seller.id)]
        self.assertEqual(self._progress(self.director, domain, self.company), {})
        both = self._progress(self.director, domain, self.company | self.company2)
        self.assertEqual(sorted(v[0] for v in both.values()), [500, 700])
