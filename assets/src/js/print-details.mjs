// Folded content prints. Before printing, every <details> on the page is opened (the dashboard
// folds its green and complete objectives, long lists and the tables behind its charts); after
// printing, each is put back as the person left it. The print stylesheet hides the summaries
// of the dashboard's folds on paper, since what they fold has its own caption or heading.
const opened = new Set()

export function openForPrint (root = document) {
  for (const details of root.querySelectorAll('details:not([open])')) {
    details.open = true
    opened.add(details)
  }
}

export function restoreAfterPrint () {
  for (const details of opened) details.open = false
  opened.clear()
}

export function startPrintDetails (win = window) {
  win.addEventListener('beforeprint', () => openForPrint(win.document))
  win.addEventListener('afterprint', restoreAfterPrint)
}
