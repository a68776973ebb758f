// README's NestJS recipe: Nest on its default Express platform, started in-process. The express
// instrumentation (from `tracewright/instrument`, imported first as a set-up file would be) names
// the harness's entry span by the route, with no code in the app.
import 'tracewright/instrument'
import 'reflect-metadata'
import { Controller, Get, Module, Param } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { describe, expect, test } from 'vitest'
import { startService } from 'tracewright'

// Decorators applied as the functions they are, so no decorator syntax needs compiling.
class OrdersController {
  find(id: string): { id: string } {
    return { id }
  }
}
Controller('orders')(OrdersController)
Param('id')(OrdersController.prototype, 'find', 0)
Get(':id')(OrdersController.prototype, 'find', Object.getOwnPropertyDescriptor(OrdersController.prototype, 'find') as PropertyDescriptor)
class AppModule {}
Module({ controllers: [OrdersController] })(AppModule)

describe('NestJS in-process', () => {
  test('the entry span is named by the route Nest\'s Express router matched', async () => {
    const svc = await startService({
      app: async () => {
        const nest = await NestFactory.create(AppModule, { logger: false })
        await nest.init()                  // not listen(): the harness listens
        return nest.getHttpServer()
      },
      name: 'nest',
    })
    try {
      const { response, trace } = await svc.request('GET /orders/42')
      expect(response.json()).toEqual({ id: '42' })
      expect(trace.root).toHaveAttribute('http.route', '/orders/:id')
      expect(trace.root.name).toBe('GET /orders/:id')
      expect(trace).toHaveSpanCount({ kind: 'SERVER' }, 1)
    } finally {
      await svc.stop()
    }
  })
})
