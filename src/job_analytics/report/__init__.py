"""Stages 6 and 7, ``refresh_dashboard`` and ``send_notifications``: the dashboard, the alerts, the metrics."""
