from . import res_company
from . import res_config_settings
from . import customer_score_figures
from . import customer_score_ranks
from . import customer_score_run
from . import customer_clv_model
from . import customer_clv_backtest
from . import customer_score

# A view over the score rows: after customer_score, whose table it reads.
from . import customer_purchase_forecast
from . import customer_score_mark
from . import account_move
from . import res_partner
from . import kam_class_engine
from . import kam_account_plan_goal
from . import customer_kpi
from . import res_company_health
from . import kam_health_engine
from . import customer_kpi_progress
from . import kam_director_overview
from . import kam_start_page
