"""machinery/crypto"""
