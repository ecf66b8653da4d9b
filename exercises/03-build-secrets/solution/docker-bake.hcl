# CI writes .npmrc (registry and token) into the project folder; hand it to the build as a
# secret. Nothing secret goes through args, which end up in the image history and provenance.
target "default" {
  context = "."
  secret  = ["id=npmrc,src=.npmrc"]
}
