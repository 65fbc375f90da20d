from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import KamCase

PROPOSAL_TYPE = "key_account_mgmt.mail_activity_type_kam_class_proposal"


@tagged("post_install", "-at_install")
class TestClassProposal(KamCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer(
            "Ehdotus Oy", turnover=15_000_000, installers=30, user_id=cls.salesperson.id
        )
        cls.env["kam.class.engine"]._kam_recompute_abc_classes(
            company=cls.company, partners=cls.customer
        )

    def _activities(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.customer.id),
                ("activity_type_id", "=", self.env.ref(PROPOSAL_TYPE).id),
            ]
        )

    def _chatter(self):
        return " ".join(self.customer.message_ids.mapped("body"))

    def _propose(self, user, cls_letter="A", reason="Wins the hospital project"):
        return (
            self.env["kam.class.proposal"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "proposed_class": cls_letter,
                    "reason": reason,
                }
            )
        )

    def test_salesperson_proposes_manager_approves(self):
        self.assertEqual(self.customer.abc_class, "B")
        proposal = self._propose(self.salesperson)
        self.assertEqual(proposal.state, "pending")
        self.assertEqual((proposal.class_at_proposal, proposal.computed_class), ("B", "B"))
        self.assertEqual(proposal.approver_id, self.manager)
        # Nothing changes before approval.
        self.assertEqual(self.customer.abc_class, "B")
        activity = self._activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("proposes class A", self._chatter(), "chatter trail of the proposal")

        proposal.with_user(self.manager).action_approve()
        self.customer.invalidate_recordset()
        self.assertEqual(proposal.state, "approved")
        self.assertEqual(proposal.decided_by_id, self.manager)
        self.assertEqual(
            (
                self.customer.abc_class,
                self.customer.abc_class_computed,
                self.customer.abc_class_manual,
            ),
            ("A", "B", "A"),
        )
        self.assertFalse(self._activities(), "the approval activity is done")
        last = self.customer.abc_class_history_ids.filtered(
            lambda h: h.company_id == self.company
        ).sorted("id")[-1]
        self.assertEqual(
            (last.old_class, last.new_class, last.source, last.user_id, last.reason),
            ("B", "A", "proposal", self.manager, "Wins the hospital project"),
        )
        self.assertIn("approved class A", self._chatter())

    def test_proposal_dialog_from_partner_form(self):
        action = self.customer.with_user(self.salesperson).action_kam_propose_class()
        Proposal = self.env["kam.class.proposal"].with_user(self.salesperson)
        form = Form(Proposal.with_context(**action["context"]), view=action["views"][0][0])
        self.assertEqual(form.partner_id, self.customer)
        form.proposed_class = "A"
        form.reason = "Signed a framework agreement"
        proposal = form.save()
        self.assertEqual(proposal.state, "pending")
        self.assertEqual(proposal.company_id, self.company)
        self.assertEqual(self.customer.kam_pending_proposal_count, 1)

    def test_manager_rejects(self):
        proposal = self._propose(self.salesperson, "C", "Orders dropped")
        proposal.decision_note = "Temporary dip, keep B"
        proposal.with_user(self.manager).action_reject()
        self.customer.invalidate_recordset()
        self.assertEqual(proposal.state, "rejected")
        self.assertEqual(self.customer.abc_class, "B")
        self.assertFalse(self.customer.abc_class_manual)
        self.assertFalse(self._activities())
        self.assertIn("Temporary dip", self._chatter())
        with self.assertRaises(UserError):
            proposal.with_user(self.manager).action_approve()

    def test_salesperson_cannot_approve(self):
        proposal = self._propose(self.salesperson)
        with self.assertRaises(UserError):
            proposal.with_user(self.salesperson).action_approve()
        self.assertEqual(proposal.state, "pending")
        self.assertEqual(self.customer.abc_class, "B")

    def test_manager_proposal_applies_at_once(self):
        proposal = self._propose(self.manager, "C", "Moved its purchases to a competitor")
        self.customer.invalidate_recordset()
        self.assertEqual(proposal.state, "approved")
        self.assertEqual(self.customer.abc_class, "C")
        self.assertFalse(self._activities())
        last = self.customer.abc_class_history_ids.sorted("id")[-1]
        self.assertEqual((last.source, last.user_id), ("manual", self.manager))

    def test_reason_required(self):
        with self.assertRaises(ValidationError):
            self._propose(self.salesperson, reason="   ")
        self.assertFalse(
            self.env["kam.class.proposal"].search([("partner_id", "=", self.customer.id)])
        )
        self.assertFalse(self._activities())

    def test_one_pending_proposal(self):
        self._propose(self.salesperson)
        with self.assertRaises(UserError):
            self._propose(self.salesperson2, "C", "Other view")
        self.assertEqual(
            self.env["kam.class.proposal"].search_count([("partner_id", "=", self.customer.id)]),
            1,
        )
        self.assertEqual(len(self._activities()), 1)

    def test_approver_fallback_is_a_manager(self):
        self.company.kam_class_approver_id = False
        proposal = self._propose(self.salesperson)
        self.assertTrue(
            proposal.approver_id.has_group("key_account_mgmt.group_kam_manager"),
            proposal.approver_id.name,
        )


@tagged("post_install", "-at_install")
class TestProposalDecisionFields(KamCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Päätös Oy", turnover=15_000_000, installers=30)
        cls.proposal = (
            cls.env["kam.class.proposal"]
            .with_user(cls.salesperson)
            .create({"partner_id": cls.customer.id, "proposed_class": "A", "reason": "Big"})
        )

    def test_proposer_cannot_approve_by_writing(self):
        as_sales = self.proposal.with_user(self.salesperson)
        with self.assertRaises(UserError):
            as_sales.write({"state": "approved"})
        with self.assertRaises(UserError):
            as_sales.write({"decided_by_id": self.salesperson.id})
        self.assertEqual(self.proposal.state, "pending")
        self.assertFalse(self.proposal.decided_by_id)
        self.assertNotEqual(self.customer.abc_class, "A")

    def test_proposer_edits_reason_while_pending_only(self):
        self.proposal.with_user(self.salesperson).write({"reason": "Hospital project won"})
        self.assertEqual(self.proposal.reason, "Hospital project won")
        self.proposal.with_user(self.manager).action_reject()
        with self.assertRaises(UserError):
            self.proposal.with_user(self.salesperson).write({"reason": "Please"})
        self.assertEqual(self.proposal.reason, "Hospital project won")
