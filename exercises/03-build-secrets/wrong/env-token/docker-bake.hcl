# How CI builds the image. It exports NPM_REGISTRY and NPM_TOKEN, and writes a ready .npmrc
# (registry and token) into the project folder before building.
variable "NPM_REGISTRY" {
  default = "http://127.0.0.1:4873/"
}
variable "NPM_TOKEN" {
  default = ""
}

target "default" {
  context = "."
  args = {
    NPM_REGISTRY = NPM_REGISTRY
    NPM_TOKEN    = NPM_TOKEN
  }
}
