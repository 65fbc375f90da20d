from datetime import datetime

from freezegun import freeze_time

from odoo.tests import new_test_user

from .common import ScoringCommon

GOAL = "kam.class.movement.goal"


@freeze_time("2026-11-20 10:00:00")
class TestClassMovementGoalScoring(ScoringCommon):
    """Class-movement goals with the sales data: new customers are the customer starts
    of the year, and a kept A customer must have bought the agreed volume."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.score_return_pause_days = 365
        cls.seller2 = new_test_user(
            cls.env,
            login="cs_goal_seller2",
            name="Selma Second",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        Partner = cls.env["res.partner"]
        names = ("Uusi", "Paluu", "Tauko", "Kanta Yksi", "Kanta Kaksi", "Kanta Kolme")
        cls.first, cls.back, cls.short, cls.k1, cls.k2, cls.k3 = (
            Partner.create({"name": f"{name} Oy", "is_company": True, "user_id": cls.salesman.id})
            for name in names
        )
        a, salesman = cls.product_a, cls.salesman
        # First purchase ever in 2026 (twice: one start), by the salesman.
        cls._sale(cls.first, "2026-03-10", 1, salesman)
        cls._sale(cls.first, "2026-06-01", 1, salesman)
        # Back after 641 days (more than 365): new again, by the second seller.
        cls._sale(cls.back, "2024-05-01", 1, salesman)
        cls._sale(cls.back, "2026-02-01", 1, cls.seller2)
        # Back after 212 days: new in 2025, not again in 2026.
        cls._sale(cls.short, "2025-09-01", 1, salesman)
        cls._sale(cls.short, "2026-04-01", 1, salesman)
        # A customers all year. Revenue 2026: k1 6000 - 1500 credit note = 4500, k2 5000,
        # k3 nothing (9000 in 2025). Their 2026 purchases are no starts (bought in 2025).
        cls._sale(cls.k1, "2025-12-15", 1, salesman)
        cls._sale(cls.k1, "2026-03-01", 60, salesman)
        cls._invoice(cls.k1, "2026-04-01", [(a, 15, 100.0)], move_type="out_refund")
        cls._sale(cls.k2, "2025-12-15", 1, salesman)
        cls._sale(cls.k2, "2026-05-01", 50, salesman)
        cls._sale(cls.k3, "2025-06-01", 90, salesman)
        cls.env[GOAL].sudo().search([]).unlink()
        History = cls.env["kam.abc.class.history"]
        # Creating a customer classified it in 2026 (a first class): with the sales data
        # that is no new customer. The A customers' history is written by hand (and the
        # company-wide figures count only theirs).
        History.sudo().search([("partner_id", "in", (cls.k1 | cls.k2 | cls.k3).ids)]).unlink()
        History.sudo().search([("new_class", "=", "A")]).unlink()
        History.create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": cls.company.id,
                    "old_class": False,
                    "new_class": "A",
                    "date": datetime(2024, 12, 1),
                    "source": "manual",
                }
                for partner in (cls.k1, cls.k2, cls.k3)
            ]
        )

    @classmethod
    def _sale(cls, partner, day, quantity, salesperson):
        """A posted invoice of ``quantity`` x 100.00 of product A sold by ``salesperson``."""
        move = cls._invoice(partner, day, [(cls.product_a, quantity, 100.0)], post=False)
        move.invoice_user_id = salesperson
        move.action_post()
        return move

    def _goal(self, year=2026, salesperson=None, **vals):
        return self.env[GOAL].create(
            {
                "year": year,
                "company_id": self.company.id,
                "salesperson_id": salesperson.id if salesperson else False,
                **vals,
            }
        )

    def test_new_customers_from_invoices(self):
        goal = self._goal(goal_new_customers=4)
        self.assertEqual(goal.kam_actual_partners("new_customers"), self.first | self.back)
        self.assertEqual((goal.actual_new_customers, goal.achievement_new_customers), (2, 50.0))
        # Each start counts for the salesperson of the invoice it began with.
        salesman = self._goal(salesperson=self.salesman)
        self.assertEqual(salesman.kam_actual_partners("new_customers"), self.first)
        seller2 = self._goal(salesperson=self.seller2)
        self.assertEqual(seller2.kam_actual_partners("new_customers"), self.back)
        # 2025: the first purchases ever of short, k1, k2 and k3.
        last = self._goal(year=2025)
        self.assertEqual(
            last.kam_actual_partners("new_customers"), self.short | self.k1 | self.k2 | self.k3
        )
        action = goal.action_open_new_customers()
        self.assertEqual(action["res_model"], "res.partner")
        self.assertEqual(sorted(action["domain"][0][2]), sorted((self.first | self.back).ids))

    def test_shorter_pause_setting_makes_a_return_new(self):
        self.company.score_return_pause_days = 200
        goal = self._goal()
        self.assertEqual(
            goal.kam_actual_partners("new_customers"), self.first | self.back | self.short
        )

    def test_a_kept_with_agreed_volume(self):
        """No volume: all three kept; 5000: k2 only (k1's credit note takes it to 4500);
        4500: k1 and k2 (at exactly the volume)."""
        self.assertEqual(self._goal().actual_a_kept, 3)
        goal = self._goal(salesperson=self.salesman, a_kept_volume=5000.0, goal_a_kept=2)
        self.assertEqual(goal.kam_actual_partners("a_kept"), self.k2)
        self.assertEqual(goal.achievement_a_kept, 50.0)
        goal.a_kept_volume = 4500.0
        self.assertEqual(goal.kam_actual_partners("a_kept"), self.k1 | self.k2)
        action = goal.action_open_a_kept()
        self.assertEqual(action["res_model"], "kam.class.movement")
        moves = self.env["kam.class.movement"].search(action["domain"])
        self.assertEqual(moves.partner_id, self.k1 | self.k2)

    def test_credit_note_reduces_the_volume(self):
        goal = self._goal(a_kept_volume=6000.0)
        self.assertFalse(goal.kam_actual_partners("a_kept"))
        self.env["account.move"].search(
            [("partner_id", "=", self.k1.id), ("move_type", "=", "out_refund")]
        ).button_draft()
        goal.invalidate_recordset()
        self.assertEqual(goal.kam_actual_partners("a_kept"), self.k1, "6000 without it")
