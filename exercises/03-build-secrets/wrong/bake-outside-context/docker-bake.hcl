# Hostile: a build context above the submission folder, i.e. the grading machine's files.
target "default" {
  context    = ".."
  dockerfile = "submission/Dockerfile"
  secret     = ["id=npmrc,src=.npmrc"]
}
