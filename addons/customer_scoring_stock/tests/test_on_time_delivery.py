from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.addons.customer_scoring.tests.common import ScoringCommon
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

MAY = date(2025, 5, 1)


@tagged("post_install", "-at_install")
@freeze_time("2025-06-30")
class TestOnTimeDelivery(ScoringCommon):
    """May 2025, Alpha (salesperson: the salesman, team North): delivery orders done

    - 05-09 with deadline 05-10: on time;
    - 05-14 with deadline 05-12: late;
    - 05-20 09:00, no deadline, scheduled 05-20 10:00: on time (to Alpha's contact);
    - 05-23, no deadline, scheduled 05-21: late;
    - a cancelled delivery, a receipt from Alpha done in May, a delivery done in June and
      the return of the first delivery do not count.

    Deliveries 4, on time 2: 50 %.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["crm.team"].create(
            {"name": "Team North", "member_ids": [Command.link(cls.salesman.id)]}
        )
        cls.manager = new_test_user(
            cls.env,
            login="cs_stock_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
        )
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.out_type = warehouse.out_type_id
        cls.in_type = warehouse.in_type_id
        cls.on_time = cls._picking(cls.alpha, "2025-05-09 10:00", deadline="2025-05-10 12:00")
        cls._picking(cls.alpha, "2025-05-14 10:00", deadline="2025-05-12 12:00")
        cls._picking(cls.alpha_contact, "2025-05-20 09:00", scheduled="2025-05-20 10:00")
        cls._picking(cls.alpha, "2025-05-23 10:00", scheduled="2025-05-21 10:00")
        cls._picking(cls.alpha, "2025-05-15 10:00", cancel=True)
        cls._picking(cls.alpha, "2025-05-16 10:00", picking_type=cls.in_type)
        cls._picking(cls.alpha, "2025-06-02 10:00", deadline="2025-06-05 10:00")
        with freeze_time("2025-05-26 10:00"):
            wizard = (
                cls.env["stock.return.picking"]
                .with_context(active_id=cls.on_time.id, active_model="stock.picking")
                .create({})
            )
            wizard.product_return_moves.quantity = 1
            returned = cls.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
            returned.move_ids.write({"quantity": 1, "picked": True})
            returned.button_validate()
        cls.returned = returned
        cls.snapshots = cls.env["customer.kpi.snapshot"].generate_snapshots(MAY)

    @classmethod
    def _picking(
        cls, partner, done_at, deadline=None, scheduled=None, cancel=False, picking_type=None
    ):
        picking_type = picking_type or cls.out_type
        scheduled = scheduled or "2025-05-01 08:00"
        with freeze_time(scheduled):
            picking = cls.env["stock.picking"].create(
                {
                    "partner_id": partner.id,
                    "picking_type_id": picking_type.id,
                    "location_id": picking_type.default_location_src_id.id,
                    "location_dest_id": picking_type.default_location_dest_id.id
                    or cls.env.ref("stock.stock_location_customers").id,
                    "scheduled_date": scheduled,
                    "move_ids": [
                        Command.create(
                            {
                                "name": cls.product_a.name,
                                "product_id": cls.product_a.id,
                                "product_uom_qty": 1,
                                "product_uom": cls.product_a.uom_id.id,
                                "date_deadline": deadline or False,
                                "location_id": picking_type.default_location_src_id.id,
                                "location_dest_id": (
                                    picking_type.default_location_dest_id.id
                                    or cls.env.ref("stock.stock_location_customers").id
                                ),
                            }
                        )
                    ],
                }
            )
            picking.action_confirm()
        if cancel:
            picking.action_cancel()
            return picking
        with freeze_time(done_at):
            picking.move_ids.write({"quantity": 1, "picked": True})
            picking.button_validate()
        return picking

    def _alpha(self):
        row = self.snapshots.filtered(lambda s: s.partner_id == self.alpha)
        self.assertEqual(len(row), 1)
        return row

    def test_deliveries_of_the_month(self):
        self.assertEqual(self.on_time.state, "done")
        self.assertEqual(self.on_time.date_done, datetime(2025, 5, 9, 10))
        self.assertEqual(self.returned.state, "done")
        row = self._alpha()
        self.assertEqual((row.delivery_count, row.delivery_on_time_count), (4, 2))
        self.assertEqual(row.on_time_delivery_rate, 50.0)
        self.assertEqual((row.user_id, row.team_id), (self.salesman, self.team))
        [(rate,)] = self.env["customer.kpi.snapshot"]._read_group(
            [("month", "=", MAY), ("company_id", "=", self.company.id)],
            [],
            ["on_time_delivery_rate:avg"],
        )
        self.assertEqual(rate, 50.0)

    def test_june_and_other_months(self):
        june = self.env["customer.kpi.snapshot"].generate_snapshots(date(2025, 6, 1))
        row = june.filtered(lambda s: s.partner_id == self.alpha)
        self.assertEqual((row.delivery_count, row.delivery_on_time_count), (1, 1))
        april = self.env["customer.kpi.snapshot"].generate_snapshots(date(2025, 4, 1))
        self.assertFalse(april.filtered("delivery_count"))

    def test_target(self):
        Target = self.env["customer.kpi.target"].with_user(self.manager)
        by_user, by_team = Target.create(
            [
                {"month": "2025-05-01", "user_id": self.salesman.id, "target_on_time_rate": 80},
                {"month": "2025-05-01", "team_id": self.team.id},
            ]
        )
        self.assertEqual((by_user.actual_deliveries, by_user.actual_on_time_rate), (4, 50.0))
        self.assertEqual(by_user.on_time_achievement, 62.5)
        self.assertEqual((by_team.actual_on_time_rate, by_team.on_time_achievement), (50.0, 0.0))
        progress = self.env["customer.kpi.progress"].search([("target_id", "=", by_user.id)])
        self.assertEqual(
            sorted((p.series, p.on_time_rate) for p in progress),
            [("actual", 50.0), ("target", 80.0)],
        )

    def test_bad_target(self):
        Target = self.env["customer.kpi.target"].with_user(self.manager)
        for value in (-1.0, 100.5):
            with (
                self.assertRaisesRegex(ValidationError, "Target On-time Delivery"),
                self.env.cr.savepoint(),
            ):
                Target.create(
                    {
                        "month": "2025-05-01",
                        "user_id": self.salesman.id,
                        "target_on_time_rate": value,
                    }
                )
        self.assertFalse(Target.search([("user_id", "=", self.salesman.id)]))
