// Builds the static assets Django serves from assets/build (STATICFILES_DIRS).
//
//   npm ci && npm run build
//
// - compiles assets/src/application.scss with Dart Sass into stylesheets/application.css
// - copies GOV.UK Frontend's JavaScript, images and manifest (never its fonts: the GOV.UK
//   typeface is for GOV.UK alone and the stylesheet is set in Arial)
// - copies the service's own scripts from assets/src/js into javascripts/
//
// Works offline once node_modules is installed.
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import * as sass from 'sass'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const src = join(root, 'assets', 'src')
const out = join(root, 'assets', 'build')
const govuk = join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk')

rmSync(out, { recursive: true, force: true })
mkdirSync(join(out, 'stylesheets'), { recursive: true })
mkdirSync(join(out, 'javascripts'), { recursive: true })

// Stylesheet. `quietDeps` hides Sass deprecation warnings raised inside GOV.UK Frontend
// (it still uses @import); warnings about this service's own Sass are still printed.
const result = sass.compile(join(src, 'application.scss'), {
  style: 'compressed',
  importers: [new sass.NodePackageImporter(root)],
  quietDeps: true
})
writeFileSync(join(out, 'stylesheets', 'application.css'), result.css)

// GOV.UK Frontend JavaScript (an ES module) and its source map.
for (const name of ['govuk-frontend.min.js', 'govuk-frontend.min.js.map']) {
  cpSync(join(govuk, name), join(out, 'javascripts', name))
}

// Images and manifest referenced by the stylesheet; fonts are deliberately left behind.
cpSync(join(govuk, 'assets', 'images'), join(out, 'images'), { recursive: true })
cpSync(join(govuk, 'assets', 'manifest.json'), join(out, 'manifest.json'))

// The service's own icon (not the GOV.UK crown: this service is not on GOV.UK).
cpSync(join(src, 'images'), join(out, 'images'), { recursive: true })

// The service's own scripts.
for (const name of readdirSync(join(src, 'js'))) {
  cpSync(join(src, 'js', name), join(out, 'javascripts', name))
}

console.log(`Built assets into ${out}`)
