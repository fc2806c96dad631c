"""machinery/config"""
