from . import kam_key_account_candidate_wizard
from . import base_partner_merge
