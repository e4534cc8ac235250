// Starts GOV.UK Frontend. Loaded from base.html as <script type="module">, so it runs only
// in browsers that GOV.UK Frontend supports, after the document is parsed. There is no
// inline script anywhere: the service can send a Content-Security-Policy without
// 'unsafe-inline'.
import { initAll } from './govuk-frontend.min.js'
import { startTimeoutWarning } from './timeout-warning.mjs'
import { startPrintDetails } from './print-details.mjs'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
startTimeoutWarning(document.getElementById('timeout-warning'))
startPrintDetails()
