from . import clv_model
from . import purchase_days
from . import revenue_lines
from . import backtest
from . import table_stats
