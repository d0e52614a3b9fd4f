// The sample ran the quickstart to its end: its three accuracy lines are in the log and its files exist.
def log = new File(basedir, 'build.log').text
['fp32 (quantizers dynamic) top-1', 'w8a8 PTQ top-1', 'w8a8 QAT top-1'].each {
  assert log.contains(it) : "the quickstart did not print '$it'"
}
['fp32.zip', 'amax.json', 'model.onnx'].each {
  def f = new File(basedir, "target/quickstart/$it")
  assert f.isFile() && f.length() > 0 : "the quickstart did not write $f"
}
true
