// The page to wait on while an inspector's evidence pack is built
// (templates/board/evidence_pack_wait.html). Instead of refreshing the page, which a person
// cannot stop in time (WCAG 2.2.1), it asks the build's status address every few seconds,
// writes the stage in the page's polite live region, and when the pack is ready shows the
// download link and moves focus to it. Without this script the page has a "Check again" link.
const root = document.querySelector('[data-pack-wait]')
if (root) watch(root)

function watch (root) {
  const part = (name) => root.querySelector(`[data-pack-${name}]`)
  const every = 1000 * (Number(root.dataset.checkEverySeconds) || 5)
  part('unwatched').hidden = true
  part('watched').hidden = false

  function showSteps (stage) {
    const steps = Array.from(root.querySelectorAll('[data-pack-step]'))
    const current = steps.findIndex((step) => step.dataset.packStep === stage)
    steps.forEach((step, n) => {
      const state = step.querySelector('[data-pack-step-state]')
      if (current >= 0 && n === current) {
        const now = document.createElement('strong')
        now.textContent = 'now'
        state.replaceChildren(now)
      } else {
        state.textContent = current >= 0 && n < current ? 'done' : 'not started'
      }
    })
  }

  // Shows the answer; whether to ask again.
  function show (answer) {
    const stage = part('stage')
    if (stage.textContent !== answer.stage) stage.textContent = answer.stage
    if (answer.status === 'ready' || answer.status === 'failed') {
      part('waiting').hidden = true
      part(answer.status).hidden = false
      if (answer.status === 'ready') {
        part('heading').textContent = 'Your evidence pack is ready'
        part('download').focus()
      }
      return false
    }
    showSteps(answer.stage)
    return true
  }

  async function check () {
    try {
      const response = await fetch(root.dataset.statusUrl, {
        headers: { Accept: 'application/json' },
        cache: 'no-store',
        credentials: 'same-origin',
        redirect: 'manual'
      })
      if (!response.ok) {
        // Signed out, or no longer theirs: leave it to the "Check again" link.
        part('watched').hidden = true
        part('unwatched').hidden = false
        return
      }
      if (!show(await response.json())) return
    } catch (error) {
      // The network went away for a moment: ask again later.
    }
    window.setTimeout(check, every)
  }

  window.setTimeout(check, every)
}
