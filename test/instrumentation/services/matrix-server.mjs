// The matrix app as its own process, instrumented by `tracewright/register` alone:
//   node --import tracewright/register matrix-server.mjs
// Configuration comes from MATRIX_CONFIG (JSON), the port from PORT.
import http from 'node:http'
import amqp from 'amqplib'
import express from 'express'
import { Redis } from 'ioredis'
import pg from 'pg'
import { createMatrixApp } from './matrix-app.mjs'

const matrix = await createMatrixApp({ express, pg, Redis, amqp, http }, JSON.parse(process.env.MATRIX_CONFIG))
matrix.app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('matrix listening'))
