// The warning before the idle sign-out (templates/includes/_timeout_warning.html).
//
// The server signs a person out after data-idle-seconds without a request. The dialog opens
// data-warning-seconds before that; "Stay signed in" (or Escape) asks the server to start the
// idle time again without leaving the page. Every page load in any tab counts as activity, so
// a tab left open while the person works in another does not warn them needlessly. When the
// time has run out, the page goes to the sign-in page, which comes back here after signing in.
const KEY = 'improve-last-activity'
// The server counts whole seconds from its own last record of the person: go a little after.
const GRACE = 3000

export function startTimeoutWarning (dialog) {
  if (!dialog || typeof dialog.showModal !== 'function') return
  const idle = Number(dialog.dataset.idleSeconds) * 1000
  const warning = Number(dialog.dataset.warningSeconds) * 1000
  const form = dialog.querySelector('form')
  const stay = form.querySelector('button:not([formaction])')
  let timer = null

  const lastActivity = () => {
    const shared = Number(window.localStorage?.getItem(KEY))
    return Number.isFinite(shared) && shared > 0 ? shared : Date.now()
  }
  const noteActivity = () => {
    try { window.localStorage.setItem(KEY, String(Date.now())) } catch (e) { /* private mode */ }
  }
  const schedule = () => {
    window.clearTimeout(timer)
    const since = Date.now() - lastActivity()
    if (since >= idle + GRACE) {
      window.location.assign(dialog.dataset.signedOutUrl)
    } else if (since >= idle - warning) {
      if (!dialog.open) dialog.showModal()
      timer = window.setTimeout(schedule, Math.min(idle + GRACE - since, 30000))
    } else {
      if (dialog.open) dialog.close()
      timer = window.setTimeout(schedule, idle - warning - since)
    }
  }
  const staySignedIn = async () => {
    const response = await fetch(form.action, {
      method: 'POST',
      body: new FormData(form),
      headers: { Accept: 'application/json' },
      credentials: 'same-origin'
    })
    if (response.status !== 204) {
      window.location.assign(dialog.dataset.signedOutUrl)
      return
    }
    noteActivity()
    dialog.close()
    schedule()
  }

  form.addEventListener('submit', (event) => {
    if (event.submitter && event.submitter !== stay) return // "Sign out" posts as a form
    event.preventDefault()
    staySignedIn()
  })
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    staySignedIn()
  })
  window.addEventListener('storage', (event) => { if (event.key === KEY) schedule() })
  noteActivity()
  schedule()
}
