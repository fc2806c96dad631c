"""machinery/client"""
