"""The built-in capabilities, one module each: its answer, its section, its command-line text, its
export and its explorer panel, registered in the order the request report shows them.
"""
