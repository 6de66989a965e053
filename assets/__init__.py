"""Files shipped with rnntui (the starter poem corpus); installed as rnntui.assets."""
