"""Staffing advice (窗口配置建议): how many windows each group needs, now and for the rest of the day."""
