variable "NPM_TOKEN" {
  default = ""
}
target "default" {
  context = "."
  secret  = ["id=npmrc,src=.npmrc"]
  args = {
    NPM_TOKEN = NPM_TOKEN
  }
}
