# Hostile: a secret whose source is a file of the grading machine, not of the submission.
target "default" {
  context = "."
  secret  = ["id=npmrc,src=.npmrc", "id=hostkey,src=/etc/hostname"]
}
