"""machinery/secrets"""
