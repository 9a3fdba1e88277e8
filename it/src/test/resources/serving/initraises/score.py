def init():
    raise RuntimeError("the model file is corrupt (raised on purpose)")


def run(raw_data):
    return raw_data
