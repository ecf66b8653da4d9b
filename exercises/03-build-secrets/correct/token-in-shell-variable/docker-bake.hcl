variable "NPM_REGISTRY" {
  default = "http://127.0.0.1:4873/"
}
target "default" {
  context = "."
  args    = { NPM_REGISTRY = NPM_REGISTRY }
  secret  = ["id=npm_token,env=NPM_TOKEN"]
}
