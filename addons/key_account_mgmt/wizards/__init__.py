from . import kam_key_account_candidate_wizard
