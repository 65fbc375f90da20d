from . import customer_revenue_report
